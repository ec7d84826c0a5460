import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assure.audit.models import AuditEvent
from assure.plans.models import Action

pytestmark = pytest.mark.django_db


def plan_url(demo, ccg=None, *suffix):
    ccg = ccg or demo.ccg
    return reverse("plans:plan", args=[ccg.code, demo.cycle.public_id])


READERS = [
    "platform_admin_client",
    "region_client",
    "assessor_client",
    "ccg_lead_client",
    "ccg_staff_client",
    "hwb_lead_client",
]


@pytest.mark.parametrize("who", READERS)
def test_everyone_entitled_reads_camdens_plan(request, demo, who):
    client = request.getfixturevalue(who)
    response = client.get(plan_url(demo))
    assert response.status_code == 200
    assert "Publish the clinical leads" in response.text


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("ccg_lead_client", True),
        ("ccg_staff_client", True),
        ("platform_admin_client", True),
        ("region_client", False),
        ("assessor_client", False),
        ("hwb_lead_client", False),
    ],
)
def test_actions_from_a_draft_self_assessment_are_seen_only_by_the_ccg(request, demo, lead_action, who, sees):
    # Camden's self-assessment has never been submitted: its items below the threshold tell of the draft.
    client = request.getfixturevalue(who)
    page = client.get(plan_url(demo))
    assert ("Bring item 1.3 up to the threshold" in page.text) == sees
    export = client.get(reverse("plans:export", args=[demo.ccg.code, demo.cycle.public_id, "csv"]))
    assert ("Bring item 1.3" in export.content.decode()) == sees
    assert (client.get(reverse("plans:list")).status_code) == 200
    if not sees:
        assert client.get(reverse("plans:edit", args=[lead_action.public_id])).status_code == 404


@pytest.mark.parametrize("who", ["outsider_client", "ccg2_lead_client"])
def test_other_organisations_get_404(request, demo, who, staff_action):
    client = request.getfixturevalue(who)
    assert client.get(plan_url(demo)).status_code == 404
    assert (
        client.get(reverse("plans:export", args=[demo.ccg.code, demo.cycle.public_id, "csv"])).status_code
        == 404
    )
    assert client.get(reverse("plans:latest", args=[demo.ccg.code])).status_code == 404
    assert client.post(reverse("plans:gather", args=[demo.ccg.code, demo.cycle.public_id])).status_code == 404
    assert client.get(reverse("plans:edit", args=[staff_action.public_id])).status_code == 404
    response = client.post(
        reverse("plans:status", args=[staff_action.public_id]),
        {
            f"action-{staff_action.public_id}-status": "done",
            f"action-{staff_action.public_id}-version": staff_action.version,
        },
    )
    assert response.status_code == 404
    staff_action.refresh_from_db()
    assert staff_action.status == "in_progress"


def test_the_hwb_of_another_ccg_does_not_see_islingtons_plan(hwb_lead_client, demo):
    assert hwb_lead_client.get(plan_url(demo, demo.ccg2)).status_code == 404


def test_a_person_signed_out_is_sent_to_sign_in(client, demo):
    response = client.get(plan_url(demo))
    assert response.status_code == 302 and "login" in response["Location"]


def test_overdue_actions_are_flagged_and_listed_first(ccg_lead_client, demo):
    response = ccg_lead_client.get(plan_url(demo))
    rows = response.context["rows"]
    assert [r.overdue for r in rows][:2] == [True, True]
    assert not any(r.overdue for r in rows[2:])
    assert "2 actions overdue" in response.text
    assert response.text.count(">Overdue</strong>") == 2


def test_filters(region_client, demo):
    url = plan_url(demo, demo.ccg2)
    done = region_client.get(url, {"status": "done"}).context["rows"]
    assert done and all(r.action.status == "done" for r in done)
    overdue = region_client.get(url, {"status": "overdue"}).context["rows"]
    assert overdue and all(r.overdue for r in overdue)
    survey = region_client.get(url, {"source": "survey"}).context["rows"]
    assert {r.action.source for r in survey} == {"survey"}
    domain = region_client.get(url, {"domain": "2"}).context["rows"]
    assert domain and all(r.action.domain.number == 2 for r in domain)
    nonsense = region_client.get(url, {"status": "nonsense", "domain": "x"})
    assert nonsense.status_code == 200 and len(nonsense.context["rows"]) == nonsense.context["total"]


def test_source_links_only_where_the_reader_may_follow(hwb_lead_client, ccg_lead_client, demo, camden_plan):
    from assure.surveys.models import Survey

    survey = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    Action.objects.create(
        plan=camden_plan, title="Act on the survey", source="survey", survey=survey, source_key="survey:9"
    )
    # The HWB cannot see Camden's survey: no link to it.
    rows = hwb_lead_client.get(plan_url(demo), {"source": "survey"}).context["rows"]
    assert [(r.action.title, r.source_url) for r in rows] == [("Act on the survey", None)]
    rows = ccg_lead_client.get(plan_url(demo), {"source": "survey"}).context["rows"]
    assert rows[0].source_url == reverse("surveys:results", args=[survey.public_id])
    rows = ccg_lead_client.get(plan_url(demo)).context["rows"]
    linked = [r.source_url for r in rows if r.action.source == "self_assessment"]
    assert linked and all(url and url.startswith("/assessments/") for url in linked)
    for url in linked:
        assert ccg_lead_client.get(url).status_code == 200


def test_only_the_lead_gathers_adds_and_edits(request, demo, lead_action):
    for who in [
        "ccg_staff_client",
        "region_client",
        "assessor_client",
        "hwb_lead_client",
        "platform_admin_client",
    ]:
        client = request.getfixturevalue(who)
        assert (
            client.post(reverse("plans:gather", args=[demo.ccg.code, demo.cycle.public_id])).status_code
            == 403
        )
        assert client.get(reverse("plans:add", args=[demo.ccg.code, demo.cycle.public_id])).status_code == 403
        # The gathered action tells of Camden's draft: outside the CCG it is not even there.
        edit = client.post(reverse("plans:edit", args=[lead_action.public_id]), {"title": "x"})
        assert edit.status_code == (403 if who in ("ccg_staff_client", "platform_admin_client") else 404)
    lead_action.refresh_from_db()
    assert lead_action.title != "x"


def _status(client, action, status, version=None, **headers):
    prefix = f"action-{action.public_id}"
    return client.post(
        reverse("plans:status", args=[action.public_id]),
        {f"{prefix}-status": status, f"{prefix}-version": action.version if version is None else version},
        headers=headers,
    )


def test_a_contributor_changes_the_status_of_an_action_they_own(ccg_staff_client, demo, staff_action):
    response = _status(ccg_staff_client, staff_action, "done")
    assert response.status_code == 302 and response["Location"].endswith(f"#action-{staff_action.public_id}")
    staff_action.refresh_from_db()
    assert staff_action.status == "done"
    event = AuditEvent.objects.filter(action="plan.action_changed").latest("at")
    assert event.before["status"] == "in_progress" and event.after["status"] == "done"


@pytest.mark.parametrize(
    ("who", "status"),
    [("ccg_staff_client", 403), ("region_client", 404), ("assessor_client", 404), ("hwb_lead_client", 404)],
)
def test_forged_status_changes_by_those_who_may_not_act_are_refused(request, demo, lead_action, who, status):
    response = _status(request.getfixturevalue(who), lead_action, "dropped")
    assert response.status_code == status
    lead_action.refresh_from_db()
    assert lead_action.status == "open"


def test_htmx_status_change_answers_with_the_action(ccg_lead_client, demo, lead_action):
    response = _status(ccg_lead_client, lead_action, "in_progress", HX_Request="true")
    assert response.status_code == 200
    assert response.templates[0].name == "plans/action_row.html"
    assert "now in progress" in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize(("who", "may_edit"), [("ccg_lead_client", True), ("ccg_staff_client", False)])
def test_an_action_changed_in_place_keeps_the_link_to_change_it_for_those_who_may(
    request, demo, staff_action, who, may_edit
):
    """The card htmx swaps in is the plan page's card: the lead keeps "Change this action" (it used to vanish until
    the page was reloaded); the owner, who may only change its status, never gets it."""
    client = request.getfixturevalue(who)
    edit = f'href="{reverse("plans:edit", args=[staff_action.public_id])}"'
    page = client.get(reverse("plans:plan", args=[demo.ccg.code, demo.cycle.public_id]))
    assert (edit in page.text) is may_edit
    response = _status(client, staff_action, "done", HX_Request="true")
    assert "now done" in response.text
    assert (edit in response.text) is may_edit


def test_a_stale_status_change_says_who_changed_it_and_saves_nothing(
    ccg_lead_client, ccg_staff_client, demo, staff_action
):
    old = staff_action.version
    _status(ccg_lead_client, staff_action, "done")
    response = _status(ccg_staff_client, staff_action, "dropped", version=old, HX_Request="true")
    assert "Dr Clare Lead changed" in response.text
    staff_action.refresh_from_db()
    assert staff_action.status == "done"
    response = _status(ccg_staff_client, staff_action, "dropped", version=old)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Dr Clare Lead changed" in m for m in messages)


def test_an_unknown_status_is_refused(ccg_lead_client, demo, lead_action):
    response = _status(ccg_lead_client, lead_action, "finished", HX_Request="true")
    assert "Choose a status" in response.text
    lead_action.refresh_from_db()
    assert lead_action.status == "open"


def test_the_lead_adds_an_action_and_bad_input_saves_nothing(ccg_lead_client, demo):
    url = reverse("plans:add", args=[demo.ccg.code, demo.cycle.public_id])
    count = Action.objects.count()
    response = ccg_lead_client.post(url, {"title": "", "due": "31/13/2026", "status": "open"})
    assert response.status_code == 200
    assert "Enter a title for the action" in response.text
    assert "Enter the due date as day/month/year" in response.text
    assert Action.objects.count() == count
    response = ccg_lead_client.post(
        url,
        {
            "title": "Meet the practice managers",
            "owner": str(demo.ccg_staff.public_id),
            "due": "1/3/2027",
            "status": "open",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Meet the practice managers")
    assert action.owner == demo.ccg_staff and action.source == "own"


def test_the_lead_assigns_an_owner_and_a_stale_edit_is_refused(ccg_lead_client, demo, lead_action):
    url = reverse("plans:edit", args=[lead_action.public_id])
    page = ccg_lead_client.get(url)
    assert page.status_code == 200
    data = {
        "title": lead_action.title,
        "owner": str(demo.ccg_staff.public_id),
        "due": "1/3/2027",
        "status": "open",
        "version": lead_action.version,
    }
    assert ccg_lead_client.post(url, data).status_code == 302
    lead_action.refresh_from_db()
    assert lead_action.owner == demo.ccg_staff
    response = ccg_lead_client.post(url, {**data, "title": "Too late"})
    assert response.status_code == 409
    lead_action.refresh_from_db()
    assert lead_action.title != "Too late"


def test_exports_hold_what_the_page_shows(region_client, demo):
    csv_response = region_client.get(
        reverse("plans:export", args=[demo.ccg2.code, demo.cycle.public_id, "csv"]), {"status": "overdue"}
    )
    assert csv_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows and all(r["Overdue"] in ("True", "yes", "Yes", "TRUE", "true") for r in rows)
    xlsx = region_client.get(reverse("plans:export", args=[demo.ccg2.code, demo.cycle.public_id, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row - 1 == Action.objects.filter(plan__organisation=demo.ccg2).count()
    assert (
        region_client.get(
            reverse("plans:export", args=[demo.ccg2.code, demo.cycle.public_id, "pdf"])
        ).status_code
        == 404
    )


def test_the_lead_gathers_from_the_page(ccg_lead_client, demo):
    response = ccg_lead_client.post(
        reverse("plans:gather", args=[demo.ccg.code, demo.cycle.public_id]), follow=True
    )
    assert "already holds an action for everything" in response.text


def test_the_plan_list_and_latest(ccg_lead_client, region_client, outsider_client, demo):
    text = region_client.get(reverse("plans:list")).text
    assert "NHS Camden CCG" in text and "NHS Islington CCG" in text
    own = ccg_lead_client.get(reverse("plans:list")).text
    assert "NHS Islington CCG" not in own
    assert "NHS Camden CCG" not in outsider_client.get(reverse("plans:list")).text
    latest = ccg_lead_client.get(reverse("plans:latest", args=[demo.ccg.code]))
    assert latest["Location"] == plan_url(demo)


def test_home_page_and_task_list_link_to_the_plan(ccg_lead_client, demo):
    assert plan_url(demo) in ccg_lead_client.get("/").text
    from assure.assessments.models import Assessment

    assessment = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    assert (
        plan_url(demo)
        in ccg_lead_client.get(reverse("assessments:task_list", args=[assessment.public_id])).text
    )


def test_readers_outside_the_ccg_are_linked_to_the_self_assessment_they_may_read(region_client, demo):
    from assure.assessments.models import ItemResponse
    from assure.plans import services

    ItemResponse.objects.filter(
        assessment__cycle=demo.cycle, assessment__organisation=demo.ccg2, item__code="3.1"
    ).update(rating=1)
    services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead)
    rows = region_client.get(plan_url(demo, demo.ccg2), {"source": "self_assessment"}).context["rows"]
    assert [r.source_detail for r in rows] == ["Item 3.1"]
    response = region_client.get(rows[0].source_url, follow=True)
    assert response.status_code == 200


def test_a_platform_admin_gets_no_link_to_a_draft_it_may_not_open(platform_admin_client, demo):
    rows = platform_admin_client.get(plan_url(demo), {"source": "self_assessment"}).context["rows"]
    assert rows and all(r.source_url is None for r in rows)
