"""The evidence API: listing a CCG's library and adding files or links, with uploads checked by content."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from assure.assessments import services as assessment_services
from assure.assessments.models import ItemResponse
from assure.audit.models import AuditEvent
from assure.evidence.models import Evidence
from assure.frameworks.models import EvidenceType

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def evidence_url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.public_id}/evidence"


def stored_files(path: str = "") -> list[str]:
    """Every file in the default storage (InMemoryStorage in tests) under `path`."""
    try:
        folders, files = default_storage.listdir(path)
    except FileNotFoundError:
        return []
    found = [f"{path}/{name}".lstrip("/") for name in files]
    for folder in folders:
        found += stored_files(f"{path}/{folder}".lstrip("/"))
    return found


def a_type(demo) -> EvidenceType:
    return EvidenceType.objects.filter(framework=demo.framework).order_by("position").first()


def fields(demo, **extra) -> dict:
    return {
        "title": "Governing body minutes, March",
        "evidence_type": a_type(demo).code,
        "document_date": "2024-03-31",
        "owner": "Board secretary",
        **extra,
    }


def submit(assessment, demo) -> None:
    ItemResponse.objects.filter(assessment=assessment).update(rating=2)
    assessment_services.assessment_submit(assessment=assessment, user=demo.ccg_lead)


# Adding -------------------------------------------------------------------------------------------------------


def test_upload_a_small_pdf(assessment, api_for, demo):
    items = list(demo.framework.items.filter(domain__number=3).order_by("position")[:2])
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")

    response = api_for(demo.ccg_staff).post(
        evidence_url(assessment),
        data=fields(demo, file=upload, domains=[3, 4], items=[i.code for i in items]),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    evidence = Evidence.objects.get(public_id=body["id"])
    assert body["title"] == "Governing body minutes, March"
    assert body["type"] == {"code": a_type(demo).code, "title": a_type(demo).title}
    assert body["document_date"] == "2024-03-31"
    assert body["owner"] == "Board secretary"
    assert body["file_name"] == "minutes.pdf"
    assert body["url"] is None
    assert body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf"
    assert body["download_url"] == f"{settings.SITE_URL}/evidence/{evidence.public_id}/download/"
    assert body["domains"] == [3, 4]
    assert body["items"] == [i.code for i in items]
    assert evidence.organisation == demo.ccg
    assert evidence.added_by == demo.ccg_staff
    assert "minutes" not in evidence.file.name  # a generated name
    with default_storage.open(evidence.file.name, "rb") as stored:
        assert stored.read() == PDF
    assert AuditEvent.objects.for_object(evidence).get().action == "evidence.added"

    detail = api_for(demo.ccg_lead).get(f"/api/v1/assessments/{assessment.public_id}").json()
    assert next(i for i in detail["items"] if i["code"] == items[0].code)["evidence"] == [body["id"]]


def test_disguised_executable_is_422_and_nothing_is_stored(assessment, api_for, demo):
    before_rows = Evidence.objects.count()
    before_files = stored_files()
    upload = SimpleUploadedFile("x.pdf", EXECUTABLE, content_type="application/pdf")

    response = api_for(demo.ccg_lead).post(evidence_url(assessment), data=fields(demo, file=upload))

    assert response.status_code == 422
    body = response.json()
    assert "not a PDF file" in body["errors"]["file"]
    assert body["detail"][0]["loc"][-1] == "file"
    assert Evidence.objects.count() == before_rows
    assert stored_files() == before_files
    assert stored_files(f"evidence/{demo.ccg.public_id}") == []
    assert not AuditEvent.objects.filter(action="evidence.added", actor=demo.ccg_lead).exists()


def test_empty_file_is_422(assessment, api_for, demo):
    upload = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")
    response = api_for(demo.ccg_lead).post(evidence_url(assessment), data=fields(demo, file=upload))
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    assert stored_files(f"evidence/{demo.ccg.public_id}") == []


def test_record_a_link(assessment, api_for, demo):
    response = api_for(demo.ccg_lead).post(
        evidence_url(assessment), data=fields(demo, url="https://example.org/minutes.pdf", domains=[1])
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == "https://example.org/minutes.pdf"
    assert (body["file_name"], body["size"], body["download_url"]) == (None, None, None)
    assert body["domains"] == [1]


def test_a_file_and_a_link_together_is_422(assessment, api_for, demo):
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = api_for(demo.ccg_lead).post(
        evidence_url(assessment), data=fields(demo, file=upload, url="https://example.org/minutes.pdf")
    )
    assert response.status_code == 422
    assert response.json()["errors"]["file"] == "Upload a file or give a link (one, not both)"
    assert stored_files(f"evidence/{demo.ccg.public_id}") == []


def test_unknown_type_domain_item_and_future_date_are_422(assessment, api_for, demo):
    before = Evidence.objects.count()
    response = api_for(demo.ccg_lead).post(
        evidence_url(assessment),
        data=fields(
            demo,
            url="https://example.org/x",
            evidence_type="no-such-type",
            document_date="2999-01-01",
            domains=[99],
            items=["9.99"],
        ),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["evidence_type"] == "Choose a type from the list"
    assert errors["document_date"] == "The document date must be today or in the past"
    assert set(errors) == {"evidence_type", "document_date", "domains", "items"}
    assert Evidence.objects.count() == before


def test_missing_fields_are_422(assessment, api_for, demo):
    response = api_for(demo.ccg_lead).post(evidence_url(assessment), data={"url": "https://example.org/x"})
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} >= {
        "title",
        "evidence_type",
        "document_date",
        "owner",
    }


def test_other_ccg_cannot_add_or_list_404(assessment, api_for, demo):
    client = api_for(demo.ccg2_lead)
    before = Evidence.objects.count()
    assert client.get(evidence_url(assessment)).status_code == 404
    response = client.post(evidence_url(assessment), data=fields(demo, url="https://example.org/x"))
    assert response.status_code == 404
    assert Evidence.objects.count() == before


def test_assessor_lists_after_submission_but_may_not_add_403(assessment, api_for, demo):
    client = api_for(demo.assessor)
    assert client.get(evidence_url(assessment)).status_code == 404

    submit(assessment, demo)

    listed = client.get(evidence_url(assessment))
    assert listed.status_code == 200
    assert {e["title"] for e in listed.json()["items"]} == set(
        Evidence.objects.filter(organisation=demo.ccg).values_list("title", flat=True)
    )
    before = Evidence.objects.count()
    response = client.post(evidence_url(assessment), data=fields(demo, url="https://example.org/x"))
    assert response.status_code == 403
    assert Evidence.objects.count() == before


# Listing ------------------------------------------------------------------------------------------------------


def test_list_the_ccgs_library(assessment, api_for, demo):
    client = api_for(demo.ccg_staff)
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    created = client.post(evidence_url(assessment), data=fields(demo, file=upload, domains=[2])).json()

    response = client.get(evidence_url(assessment))

    assert response.status_code == 200
    rows = response.json()["items"]
    titles = [r["title"] for r in rows]
    assert set(titles) == set(Evidence.objects.filter(organisation=demo.ccg).values_list("title", flat=True))
    row = next(r for r in rows if r["id"] == created["id"])
    assert row == created
    assert set(row) >= {
        "id",
        "title",
        "type",
        "document_date",
        "owner",
        "url",
        "file_name",
        "size",
        "domains",
        "items",
    }
    # Newest document first.
    dates = [r["document_date"] for r in rows]
    assert dates == sorted(dates, reverse=True)


def test_list_queries_stay_flat(assessment, api_for, demo, django_assert_max_num_queries):
    client = api_for(demo.ccg_lead)
    client.get(evidence_url(assessment))  # the token's first use records when it was used
    with django_assert_max_num_queries(7) as captured:
        client.get(evidence_url(assessment))
    before = len(captured)
    items = list(demo.framework.items.all()[:20])
    domains = list(demo.framework.domains.all())
    for n in range(10):
        evidence = Evidence.objects.create(
            organisation=demo.ccg,
            title=f"Evidence {n}",
            evidence_type=a_type(demo),
            document_date="2024-01-31",
            owner="Owner",
            url=f"https://example.org/{n}",
        )
        evidence.items.set(items)
        evidence.domains.set(domains)
    with django_assert_max_num_queries(before):
        assert len(client.get(evidence_url(assessment)).json()["items"]) >= 10


# Downloading --------------------------------------------------------------------------------------------------


def test_an_evidence_file_downloads_with_a_token_from_its_file_url(assessment, api_for, demo):
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    body = api_for(demo.ccg_staff).post(evidence_url(assessment), data=fields(demo, file=upload)).json()
    assert body["file_url"] == f"{settings.SITE_URL}{evidence_url(assessment)}/{body['id']}/file"

    response = api_for(demo.ccg_lead).get(body["file_url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    listed = api_for(demo.ccg_lead).get(evidence_url(assessment)).json()["items"]
    assert next(e for e in listed if e["id"] == body["id"])["file_url"] == body["file_url"]


def test_an_evidence_file_is_404_for_a_link_and_for_those_who_may_not_see_it(assessment, api_for, demo):
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    file_url = (
        api_for(demo.ccg_staff)
        .post(evidence_url(assessment), data=fields(demo, file=upload))
        .json()["file_url"]
    )
    link = api_for(demo.ccg_staff).post(
        evidence_url(assessment), data=fields(demo, url="https://example.org/x")
    )
    link_url = f"{evidence_url(assessment)}/{link.json()['id']}/file"
    assert link.json()["file_url"] is None

    refused = api_for(demo.ccg_lead).get(link_url)
    assert refused.status_code == 404 and refused.json() == {"detail": "This evidence is a link, not a file."}
    # another CCG, and an assessor before the self-assessment is submitted
    assert api_for(demo.ccg2_lead).get(file_url).status_code == 404
    assert api_for(demo.assessor).get(file_url).status_code == 404
    # another CCG's self-assessment does not reach Camden's evidence either
    other = assessment_services.assessment_get_or_create(cycle=assessment.cycle, organisation=demo.ccg2)
    evidence_id = file_url.removesuffix("/file").rsplit("/", 1)[-1]
    assert api_for(demo.ccg2_lead).get(f"{evidence_url(other)}/{evidence_id}/file").status_code == 404
