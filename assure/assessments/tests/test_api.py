"""The self-assessment API, driven with real personal tokens as each demo role."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.assessments import services
from assure.assessments.models import Assessment, ItemResponse
from assure.audit.models import AuditEvent
from assure.evidence.models import Evidence
from assure.frameworks.models import EvidenceType

LIST = "/api/v1/assessments"


def detail_url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.public_id}"


def item_url(assessment, code: str) -> str:
    return f"{detail_url(assessment)}/items/{code}"


def submit_url(assessment) -> str:
    return f"{detail_url(assessment)}/submit"


def put(client, url, **body):
    return client.put(url, data=body, content_type="application/json")


def listed_ids(client) -> list[str]:
    response = client.get(LIST)
    assert response.status_code == 200
    return [a["id"] for a in response.json()]


def rate_all(assessment, rating: int = 2) -> None:
    """Test set-up only: every item rated, as if the CCG had done it."""
    ItemResponse.objects.filter(assessment=assessment).update(rating=rating, version=1)


def submit(assessment, demo) -> None:
    rate_all(assessment)
    services.assessment_submit(assessment=assessment, user=demo.ccg_lead)


def first_code(assessment) -> str:
    """The first item of domain 3: the demo rates only Camden's domains 1 and 2."""
    return (
        assessment.responses.filter(item__domain__number=3)
        .order_by("item__position")
        .values_list("item__code", flat=True)[0]
    )


def islington(demo) -> Assessment:
    """The demo's Islington (08H) self-assessment: submitted and shared with Islington's HWB."""
    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


# Authentication and the OpenAPI document ----------------------------------------------------------------------


def test_no_token_is_401(assessment, client):
    assert client.get(LIST).status_code == 401
    assert client.get(detail_url(assessment)).status_code == 401
    assert client.get(LIST, headers={"authorization": "Bearer asr_not-a-real-token"}).status_code == 401


def test_openapi_document_builds_with_the_new_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/assessments/{id}/items/{code}"]) == {"put"}
    assert set(paths["/api/v1/assessments/{id}/evidence"]) == {"get", "post"}
    assert "post" in paths["/api/v1/assessments/{id}/submit"]
    assert paths["/api/v1/assessments"]["get"]["summary"]


# Who sees what ------------------------------------------------------------------------------------------------


def test_ccg_lead_lists_own_draft(assessment, api_for, demo):
    response = api_for(demo.ccg_lead).get(LIST)
    assert response.status_code == 200
    [row] = response.json()  # not Islington's
    assert row["id"] == str(assessment.public_id)
    assert row["organisation"] == {"code": "07R", "name": demo.ccg.name}
    assert row["cycle"] == {"id": str(demo.cycle.public_id), "name": "London CCG authorisation, wave 3"}
    assert row["status"] == "draft"
    assert row["updated_at"]


def test_ccg_member_reads_the_live_draft_with_versions_and_domain_results(assessment, api_for, demo):
    response = api_for(demo.ccg_staff).get(detail_url(assessment))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["submission"] is None
    assert len(body["items"]) == demo.framework.items.count()
    rated = next(i for i in body["items"] if i["domain"] == 1)
    assert set(rated) >= {
        "code",
        "domain",
        "tier",
        "rating",
        "not_applicable",
        "reason",
        "narrative",
        "evidence",
        "version",
    }
    assert rated["rating"] in (1, 2)
    assert rated["version"] == 1
    assert rated["updated_by"] == demo.ccg_lead.get_full_name()
    unrated = next(i for i in body["items"] if i["domain"] == 6)
    assert (unrated["rating"], unrated["version"], unrated["evidence"]) == (None, 0, [])
    assert [d["number"] for d in body["domains"]] == [1, 2, 3, 4, 5, 6]
    domain1, domain6 = body["domains"][0], body["domains"][5]
    assert set(domain1) >= {"number", "level", "meets_threshold", "rated", "total"}
    assert domain1["total"] == domain1["rated"] == demo.framework.items.filter(domain__number=1).count()
    assert (domain6["rated"], domain6["meets_threshold"]) == (0, False)


def test_another_ccg_cannot_see_or_touch_the_draft(assessment, api_for, demo):
    other = api_for(demo.ccg2_lead)
    assert listed_ids(other) == [str(islington(demo).public_id)]
    assert other.get(detail_url(assessment)).status_code == 404
    code = first_code(assessment)
    assert put(other, item_url(assessment, code), rating=2, version=0).status_code == 404
    assert other.post(submit_url(assessment)).status_code == 404
    assert ItemResponse.objects.get(assessment=assessment, item__code=code).version == 0


def test_outsider_of_another_region_gets_404(assessment, api_for, outsider):
    client = api_for(outsider)
    assert listed_ids(client) == []
    assert client.get(detail_url(assessment)).status_code == 404


def test_unknown_assessment_is_404(api_for, demo):
    client = api_for(demo.ccg_lead)
    assert client.get("/api/v1/assessments/7b1f6c1e-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/api/v1/assessments/not-a-uuid").status_code == 404


def test_assessor_sees_nothing_until_submitted_then_the_submission(assessment, api_for, demo):
    client = api_for(demo.assessor)
    assert str(assessment.public_id) not in listed_ids(client)
    assert client.get(detail_url(assessment)).status_code == 404

    submit(assessment, demo)

    assert str(assessment.public_id) in listed_ids(client)
    body = client.get(detail_url(assessment)).json()
    assert body["status"] == "submitted"
    assert body["submission"]["number"] == 1
    assert {i["rating"] for i in body["items"]} == {2}
    assert all(i["version"] is None for i in body["items"])
    assert all(d["meets_threshold"] for d in body["domains"])


def test_assessor_of_a_reopened_assessment_reads_the_submission_not_the_new_draft(assessment, api_for, demo):
    submit(assessment, demo)
    services.assessment_reopen(
        assessment=assessment, user=demo.assessor, reason="Domain 3 needs more evidence"
    )
    code = first_code(assessment)
    lead = api_for(demo.ccg_lead)
    assert (
        put(lead, item_url(assessment, code), rating=0, narrative="Working draft", version=1).status_code
        == 200
    )

    body = api_for(demo.assessor).get(detail_url(assessment)).json()
    assert body["status"] == "draft"
    assert body["submission"]["number"] == 1
    assert body["submission"]["reopened_at"] is not None
    item = next(i for i in body["items"] if i["code"] == code)
    assert item["rating"] == 2
    assert item["narrative"] == ""

    own = lead.get(detail_url(assessment)).json()
    assert own["submission"] is None
    assert next(i for i in own["items"] if i["code"] == code)["narrative"] == "Working draft"


def test_region_lead_sees_submitted_assessments(assessment, api_for, demo):
    client = api_for(demo.region_lead)
    # Islington's, and the two the demo has already decided (Newham and Haringey); never Camden's draft
    submitted = {
        str(a.public_id)
        for a in Assessment.objects.filter(cycle=demo.cycle, organisation__code__in=["08H", "08M", "08D"])
    }
    assert len(submitted) == 3 and str(islington(demo).public_id) in submitted
    assert set(listed_ids(client)) == submitted
    submit(assessment, demo)
    assert set(listed_ids(client)) == submitted | {str(assessment.public_id)}


def test_platform_admin_does_not_read_an_unsubmitted_draft(assessment, api_for, demo):
    client = api_for(demo.admin)
    assert str(assessment.public_id) not in listed_ids(client)
    assert client.get(detail_url(assessment)).status_code == 404


def test_hwb_lead_sees_it_only_when_submitted_and_shared(assessment, api_for, demo):
    client = api_for(demo.hwb_lead)
    assert listed_ids(client) == []
    assert client.get(detail_url(assessment)).status_code == 404

    submit(assessment, demo)
    assert listed_ids(client) == []
    assert client.get(detail_url(assessment)).status_code == 404

    services.assessment_share(assessment=assessment, user=demo.ccg_lead, shared=True)
    assert listed_ids(client) == [str(assessment.public_id)]
    body = client.get(detail_url(assessment)).json()
    assert body["submission"]["number"] == 1

    services.assessment_reopen(assessment=assessment, user=demo.assessor, reason="More to do")
    assert listed_ids(client) == []
    assert client.get(detail_url(assessment)).status_code == 404


def test_other_ccg_hwb_never_sees_it(assessment, api_for, demo):
    """The HWB lead partners 07R only; Islington's submitted, shared self-assessment stays out of reach."""
    shared = islington(demo)
    assert shared.shared_with_hwb
    assert not shared.is_draft
    client = api_for(demo.hwb_lead)
    assert listed_ids(client) == []
    assert client.get(detail_url(shared)).status_code == 404


# Rating an item -----------------------------------------------------------------------------------------------


def test_put_saves_the_item_increments_version_and_audits(assessment, api_for, demo):
    code = first_code(assessment)
    response = put(
        api_for(demo.ccg_staff), item_url(assessment, code), rating=2, narrative="Agreed in March", version=0
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == code
    assert body["rating"] == 2
    assert body["narrative"] == "Agreed in March"
    assert body["version"] == 1
    assert body["updated_by"] == demo.ccg_staff.get_full_name()

    saved = ItemResponse.objects.get(assessment=assessment, item__code=code)
    assert (saved.rating, saved.version, saved.updated_by) == (2, 1, demo.ccg_staff)
    event = AuditEvent.objects.for_object(saved).get()
    assert event.action == "item.saved"
    assert event.actor == demo.ccg_staff
    assert event.before["rating"] is None
    assert event.after["rating"] == 2
    assert event.after["narrative"] == "Agreed in March"

    again = put(api_for(demo.ccg_lead), item_url(assessment, code), rating=3, narrative="Embedded", version=1)
    assert again.status_code == 200
    assert again.json()["version"] == 2


def test_put_not_applicable_with_a_reason(assessment, api_for, demo):
    code = first_code(assessment)
    response = put(
        api_for(demo.ccg_lead),
        item_url(assessment, code),
        not_applicable=True,
        reason="No HWB yet",
        version=0,
    )
    assert response.status_code == 200
    assert response.json().items() >= {"rating": None, "not_applicable": True, "reason": "No HWB yet"}.items()


def test_put_links_evidence_of_the_ccg(assessment, api_for, demo):
    code = first_code(assessment)
    evidence = Evidence.objects.create(
        organisation=demo.ccg,
        title="Constitution",
        evidence_type=EvidenceType.objects.filter(framework=demo.framework).first(),
        document_date="2024-01-31",
        owner="Board secretary",
        url="https://example.org/constitution.pdf",
    )
    client = api_for(demo.ccg_lead)
    response = put(
        client, item_url(assessment, code), rating=2, version=0, evidence=[str(evidence.public_id)]
    )
    assert response.status_code == 200
    assert response.json()["evidence"] == [str(evidence.public_id)]
    item = next(i for i in client.get(detail_url(assessment)).json()["items"] if i["code"] == code)
    assert item["evidence"] == [str(evidence.public_id)]

    unknown = put(client, item_url(assessment, code), rating=2, version=1, evidence=[str(demo.ccg.public_id)])
    assert unknown.status_code == 422
    assert "evidence" in unknown.json()["errors"]


def test_stale_version_is_409_with_the_other_persons_value_and_changes_nothing(assessment, api_for, demo):
    code = first_code(assessment)
    lead, staff = api_for(demo.ccg_lead), api_for(demo.ccg_staff)
    read_by_lead = next(i for i in lead.get(detail_url(assessment)).json()["items"] if i["code"] == code)
    assert (
        put(staff, item_url(assessment, code), rating=1, narrative="Chris's words", version=0).status_code
        == 200
    )

    response = put(
        lead, item_url(assessment, code), rating=3, narrative="Clare's words", version=read_by_lead["version"]
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale"
    assert "Chris Staff" in body["detail"]
    assert body["current"]["rating"] == 1
    assert body["current"]["narrative"] == "Chris's words"
    assert body["current"]["version"] == 1
    saved = ItemResponse.objects.get(assessment=assessment, item__code=code)
    assert (saved.rating, saved.narrative, saved.version, saved.updated_by) == (
        1,
        "Chris's words",
        1,
        demo.ccg_staff,
    )
    assert AuditEvent.objects.for_object(saved).count() == 1


def test_rating_off_the_scale_is_422(assessment, api_for, demo):
    code = first_code(assessment)
    response = put(api_for(demo.ccg_lead), item_url(assessment, code), rating=7, version=0)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["rating"] == f"Choose a rating for {code} from 0 to 3"
    assert body["detail"][0]["loc"][-1] == "rating"
    assert ItemResponse.objects.get(assessment=assessment, item__code=code).version == 0


def test_rating_of_the_wrong_type_is_422(assessment, api_for, demo):
    response = put(
        api_for(demo.ccg_lead), item_url(assessment, first_code(assessment)), rating="lots", version=0
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "rating"


def test_not_applicable_without_a_reason_is_422(assessment, api_for, demo):
    code = first_code(assessment)
    response = put(
        api_for(demo.ccg_lead), item_url(assessment, code), not_applicable=True, reason="  ", version=0
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": f"Give a reason why {code} does not apply"}
    assert not ItemResponse.objects.get(assessment=assessment, item__code=code).not_applicable


def test_unknown_item_code_is_404(assessment, api_for, demo):
    assert put(api_for(demo.ccg_lead), item_url(assessment, "9.99"), rating=2, version=0).status_code == 404


def test_assessor_who_can_see_it_may_not_edit_403(assessment, api_for, demo):
    submit(assessment, demo)
    services.assessment_reopen(assessment=assessment, user=demo.assessor, reason="More to do")
    code = first_code(assessment)
    response = put(api_for(demo.assessor), item_url(assessment, code), rating=0, version=1)
    assert response.status_code == 403
    assert ItemResponse.objects.get(assessment=assessment, item__code=code).rating == 2


# Submitting ---------------------------------------------------------------------------------------------------


def test_submit_incomplete_is_409_listing_missing_codes(assessment, api_for, demo):
    codes = list(
        assessment.responses.order_by("item__domain__number", "item__position").values_list(
            "item__code", flat=True
        )
    )
    ItemResponse.objects.filter(assessment=assessment).exclude(item__code__in=codes[-2:]).update(rating=2)

    response = api_for(demo.ccg_lead).post(submit_url(assessment))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "incomplete"
    assert body["missing"] == codes[-2:]
    assessment.refresh_from_db()
    assert assessment.is_draft


def test_only_the_lead_may_submit(assessment, api_for, demo):
    rate_all(assessment)
    assert api_for(demo.ccg_staff).post(submit_url(assessment)).status_code == 403
    assessment.refresh_from_db()
    assert assessment.is_draft


def test_submit_complete_then_items_are_locked(assessment, api_for, demo):
    rate_all(assessment)
    lead = api_for(demo.ccg_lead)

    response = lead.post(submit_url(assessment))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(assessment.public_id)
    assert body["status"] == "submitted"
    assert body["submitted_at"]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.submissions.count() == 1
    assert AuditEvent.objects.filter(action="assessment.submitted", organisation=demo.ccg).exists()

    code = first_code(assessment)
    locked = put(lead, item_url(assessment, code), rating=3, version=1)
    assert locked.status_code == 409
    assert locked.json()["code"] == "locked"
    assert ItemResponse.objects.get(assessment=assessment, item__code=code).rating == 2

    again = lead.post(submit_url(assessment))
    assert again.status_code == 409
    assert again.json()["code"] == "locked"


def test_assessor_may_not_submit(assessment, api_for, demo):
    submit(assessment, demo)
    assert api_for(demo.assessor).post(submit_url(assessment)).status_code == 403


# Query counts -------------------------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_detail_queries_stay_flat(assessment, api_for, demo, django_assert_max_num_queries):
    client = api_for(demo.ccg_lead)
    client.get(LIST)  # the token's first use records when it was used
    before = (_count(client, LIST), _count(client, detail_url(assessment)))

    # More assessments, ratings and evidence linked to every item must not add queries.
    for ccg in demo.ccgs:
        services.assessment_get_or_create(cycle=demo.cycle, organisation=ccg)
    evidence_type = EvidenceType.objects.filter(framework=demo.framework).first()
    items = list(demo.framework.items.all())
    for n in range(5):
        evidence = Evidence.objects.create(
            organisation=demo.ccg,
            title=f"Evidence {n}",
            evidence_type=evidence_type,
            document_date="2024-01-31",
            owner="Owner",
            url=f"https://example.org/{n}",
        )
        evidence.items.set(items)
    rate_all(assessment)

    assert (_count(client, LIST), _count(client, detail_url(assessment))) == before
    with django_assert_max_num_queries(6):
        client.get(LIST)
    with django_assert_max_num_queries(8):
        client.get(detail_url(assessment))


def test_submitted_detail_queries_are_bounded(assessment, api_for, demo, django_assert_max_num_queries):
    submit(assessment, demo)
    client = api_for(demo.assessor)
    with django_assert_max_num_queries(6):
        assert client.get(detail_url(assessment)).status_code == 200
