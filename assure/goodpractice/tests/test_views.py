"""The good practice pages, as each kind of person meets them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assure.assessments.models import Assessment
from assure.goodpractice import services
from assure.goodpractice.models import Example

from .factories import ExampleFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _url(name, example=None):
    return reverse(f"goodpractice:{name}", args=[example.public_id] if example else [])


# The public library -------------------------------------------------------------------------------------------


def test_anyone_can_read_and_search_the_published_library(gp, client):
    page = _text(client.get(_url("library")))
    assert "Islington wellbeing navigators" in page
    assert "Patient panels that change services" in page  # from the demo region
    for hidden in (gp.draft, gp.submitted, gp.far):
        assert hidden.title not in page
    assert "Share an example" not in page

    found = _text(client.get(_url("library"), {"q": "navigators"}))
    assert "1 example found" in found and "Islington wellbeing navigators" in found
    assert "No examples found" in _text(client.get(_url("library"), {"q": "pharmacy outreach"}))


def test_library_filters_and_ignores_nonsense_filter_values(gp, client):
    page = _text(client.get(_url("library"), {"domain": "6"}))
    assert "A clinical lead in every practice" in page and "Islington wellbeing navigators" not in page
    page = _text(client.get(_url("library"), {"organisation_type": "hwb"}))
    results = page.split('id="results"')[1]
    assert "One forward plan" in results and "Islington" not in results
    assert client.get(_url("library"), {"domain": "x", "theme": "9.9.9", "page": "zz"}).status_code == 200


def test_library_with_htmx_returns_just_the_results(gp, client):
    response = client.get(_url("library"), {"q": "navigators"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith("{#") is False and 'id="results"' in html
    assert "<html" not in html


def test_library_query_count_stays_flat_with_more_examples(gp, client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(_url("library"), {"q": "practice", "domain": "1"})
    for n in range(30):
        ExampleFactory(
            organisation=demo.ccg2,
            framework=demo.framework,
            title=f"Practice {n}",
            tags=[gp.domain1, gp.item13],
        )
    with django_assert_max_num_queries(6):
        page = _text(client.get(_url("library"), {"q": "practice", "domain": "1"}))
    assert "Page 2 of 2" in page


def test_a_published_example_is_public_with_its_files(gp, client, demo):
    services.example_moderate(example=gp.published, user=demo.admin, decision="reject", note="x")
    Example.objects.filter(pk=gp.published.pk).update(status="changes_requested")
    services.attachment_add(
        example=Example.objects.get(pk=gp.published.pk),
        user=demo.ccg2_lead,
        upload=SimpleUploadedFile("results.pdf", PDF),
    )
    Example.objects.filter(pk=gp.published.pk).update(status="published")
    page = _text(client.get(_url("detail", gp.published)))
    assert "Islington wellbeing navigators" in page and "results.pdf" in page
    assert "Status:" not in page  # the public does not see moderation details
    attachment = gp.published.attachments.get()
    download = client.get(reverse("goodpractice:download", args=[attachment.public_id]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("which", ["draft", "submitted", "far"])
def test_unpublished_examples_are_404_for_the_public_and_other_organisations(
    gp, client, ccg2_lead_client, hwb_lead_client, outsider_client, assessor_client, which
):
    example = getattr(gp, which)
    visitors = [client, ccg2_lead_client, hwb_lead_client, assessor_client]
    if which != "far":  # the outsider works for the CCG in another region whose draft `far` is
        visitors.append(outsider_client)
    for visitor in visitors:
        assert visitor.get(_url("detail", example)).status_code == 404
        assert visitor.get(_url("edit", example)).status_code in (302, 404)
        assert visitor.post(_url("submit", example)).status_code in (302, 404)
        assert visitor.get(_url("moderate", example)).status_code in (302, 404)


def test_unpublished_attachments_are_404_for_others(gp, demo, client, ccg2_lead_client, ccg_staff_client):
    attachment = services.attachment_add(
        example=gp.draft, user=demo.ccg_lead, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    url = reverse("goodpractice:download", args=[attachment.public_id])
    assert client.get(url).status_code == 404
    assert ccg2_lead_client.get(url).status_code == 404
    assert ccg_staff_client.get(url).status_code == 200
    assert (
        ccg2_lead_client.post(
            reverse("goodpractice:delete_attachment", args=[attachment.public_id])
        ).status_code
        == 404
    )


def test_exports_hold_only_published_examples(gp, client):
    response = client.get(_url("export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = {row["Title"] for row in rows}
    assert "Islington wellbeing navigators" in titles
    assert not {gp.draft.title, gp.submitted.title, gp.far.title} & titles
    navigators = next(r for r in rows if r["Title"] == "Islington wellbeing navigators")
    assert navigators["Items"] == "1.3" and navigators["Domains"] == "1"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", navigators["Published"])

    workbook = load_workbook(io.BytesIO(client.get(_url("export_xlsx"), {"q": "navigators"}).content))
    sheet = workbook.active
    assert [c.value for c in sheet[1]][:2] == ["ID", "Title"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Islington wellbeing navigators"
    ]


def test_exported_text_never_becomes_a_formula(demo, client, gp):
    ExampleFactory(
        organisation=demo.ccg2, framework=demo.framework, title='=HYPERLINK("http://x")', tags=[gp.domain1]
    )
    rows = list(csv.reader(io.StringIO(client.get(_url("export_csv")).content.decode("utf-8-sig"))))
    assert [r[1] for r in rows if "HYPERLINK" in r[1]] == ['\'=HYPERLINK("http://x")']
    sheet = load_workbook(io.BytesIO(client.get(_url("export_xlsx")).content)).active
    cell = next(c for c in sheet["B"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"


def test_export_query_count_stays_flat(gp, client, demo, django_assert_max_num_queries):
    for n in range(20):
        ExampleFactory(
            organisation=demo.ccg2, framework=demo.framework, title=f"More {n}", tags=[gp.item13, gp.theme]
        )
    with django_assert_max_num_queries(8):
        assert client.get(_url("export_xlsx")).status_code == 200


# Submitting ---------------------------------------------------------------------------------------------------


def _form_data(demo, **changes) -> dict:
    return {
        "title": "Social prescribing in every practice",
        "summary": "Link workers in every practice.",
        "what_we_did": "We funded link workers with the council.",
        "results": "Fewer repeat appointments.",
        "contact_name": "Clare Lead",
        "contact_email": "clare@example.org",
        "items": [str(demo.framework.items.get(code="2.3").pk)],
        **changes,
    }


def test_a_ccg_member_drafts_submits_and_sees_the_status_without_javascript(demo, ccg_staff_client):
    form = ccg_staff_client.get(_url("create"))
    assert "Share an example of good practice" in _text(form)
    response = ccg_staff_client.post(_url("create"), _form_data(demo))
    example = Example.objects.get(title="Social prescribing in every practice")
    assert response["Location"] == _url("detail", example)
    assert example.organisation == demo.ccg and example.status == "draft"

    page = _text(ccg_staff_client.get(_url("detail", example)))
    assert "Draft" in page and "Submit for moderation" in page
    ccg_staff_client.post(_url("submit", example))
    example.refresh_from_db()
    assert example.status == "submitted"
    yours = _text(ccg_staff_client.get(_url("yours")))
    assert "Social prescribing in every practice" in yours and "Awaiting moderation" in yours


def test_form_errors_are_written_for_people(demo, ccg_lead_client):
    response = ccg_lead_client.post(
        _url("create"), _form_data(demo, title="", items=[], contact_email="nope")
    )
    page = _text(response)
    assert "Error: Share an example" in page
    assert "Enter a title" in page
    assert "Choose at least one domain, theme or item the example is about" in page
    assert "Enter an email address in the correct format" in page
    assert not Example.objects.filter(summary="Link workers in every practice.").exists()


def test_people_outside_ccgs_and_hwbs_cannot_open_the_form(region_client, assessor_client, client):
    assert region_client.get(_url("create")).status_code == 404
    assert assessor_client.get(_url("create")).status_code == 404
    assert client.get(_url("create")).status_code == 302


def test_changes_requested_are_shown_and_the_example_resubmitted(demo, gp, ccg_lead_client):
    services.example_moderate(
        example=gp.submitted, user=demo.region_lead, decision="request_changes", note="Add numbers"
    )
    page = _text(ccg_lead_client.get(_url("detail", gp.submitted)))
    assert "Changes asked for" in page and "Add numbers" in page and "Resubmit for moderation" in page
    assert "Add numbers" in _text(ccg_lead_client.get(_url("edit", gp.submitted)))
    data = _form_data(demo, title=gp.submitted.title, results="42 more people reached.")
    assert ccg_lead_client.post(_url("edit", gp.submitted), data).status_code == 302
    ccg_lead_client.post(_url("submit", gp.submitted))
    gp.submitted.refresh_from_db()
    assert gp.submitted.status == "submitted" and gp.submitted.results == "42 more people reached."


def test_attaching_a_file_through_the_page(demo, gp, ccg_staff_client):
    ok = ccg_staff_client.post(
        _url("add_attachment", gp.draft), {"file": SimpleUploadedFile("notes.pdf", PDF)}
    )
    assert ok.status_code == 302
    bad = ccg_staff_client.post(
        _url("add_attachment", gp.draft), {"file": SimpleUploadedFile("notes.pdf", b"MZ\x90 not a pdf")}
    )
    assert "is not a PDF file" in _text(bad)
    assert gp.draft.attachments.count() == 1


# Moderating ---------------------------------------------------------------------------------------------------


def test_the_regional_lead_moderates_from_the_queue(demo, gp, region_client):
    queue = _text(region_client.get(_url("moderation")))
    assert gp.submitted.title in queue and "Joint commissioning of community mental health" in queue
    assert gp.draft.title not in queue

    detail = _text(region_client.get(_url("detail", gp.submitted)))
    assert "Moderate this example" in detail
    assert region_client.get(_url("detail", gp.draft)).status_code == 404  # drafts stay with the CCG

    missing = region_client.post(_url("moderate", gp.submitted), {"decision": "reject", "note": ""})
    assert "Give the reason for rejecting the example" in _text(missing)
    done = region_client.post(_url("moderate", gp.submitted), {"decision": "approve", "note": ""})
    assert done["Location"] == _url("moderation")
    gp.submitted.refresh_from_db()
    assert gp.submitted.status == "published"


@pytest.mark.parametrize("who", ["ccg_lead_client", "ccg_staff_client", "assessor_client", "hwb_lead_client"])
def test_forged_moderation_is_refused(gp, request, who):
    visitor: Client = request.getfixturevalue(who)
    response = visitor.post(_url("moderate", gp.submitted), {"decision": "approve"})
    assert response.status_code == 404
    gp.submitted.refresh_from_db()
    assert gp.submitted.status == "submitted"


def test_the_moderation_queue_is_for_moderators_only(gp, ccg_lead_client, assessor_client, outsider_client):
    for visitor in (ccg_lead_client, assessor_client, outsider_client):
        assert visitor.get(_url("moderation")).status_code == 404


def test_a_regional_lead_sees_nothing_of_another_region(gp, region_client):
    gp.far.status = "submitted"
    gp.far.save()
    assert region_client.get(_url("detail", gp.far)).status_code == 404
    assert gp.far.title not in _text(region_client.get(_url("moderation")))


# Suggestions on the self-assessment domain page ----------------------------------------------------------------


def test_domain_page_suggests_published_examples_on_the_items_rated_lowest(
    demo, gp, ccg_lead_client, django_assert_max_num_queries
):
    camden = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    url = reverse("assessments:domain", args=[camden.public_id, 1])
    with django_assert_max_num_queries(24):
        page = _text(ccg_lead_client.get(url))
    assert "Good practice from others" in page
    assert "Islington wellbeing navigators" in page  # tagged with 1.3, which Camden rates 1
    assert "Using the JSNA to shape every commissioning plan" in page
    assert gp.submitted.title not in page  # Camden's own, and unpublished
    for n in range(15):
        ExampleFactory(
            organisation=demo.ccg2, framework=demo.framework, title=f"Another {n}", tags=[gp.item13]
        )
    with django_assert_max_num_queries(24):
        page = _text(ccg_lead_client.get(url))
    suggestions = page.split('id="good-practice-heading"')[1].split("</aside>")[0]
    assert suggestions.count('href="/good-practice/') == 4  # three examples and a link to the rest


def test_domain_page_falls_back_to_examples_about_the_domain(demo, gp, ccg_lead_client):
    camden = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    page = _text(ccg_lead_client.get(reverse("assessments:domain", args=[camden.public_id, 6])))
    assert "Examples about this domain." in page and "A clinical lead in every practice" in page


def test_the_owner_of_a_draft_in_another_region_sees_it(gp, outsider_client):
    assert outsider_client.get(_url("detail", gp.far)).status_code == 200


def test_the_regional_lead_sees_the_status_of_an_example_sent_back(demo, region_client):
    sent_back = Example.objects.get(title="Governing body meetings in the community")
    page = _text(region_client.get(_url("detail", sent_back)))
    assert "Changes requested" in page and "Please say how many people came" in page
    assert "Moderate this example" not in page  # it is with Camden now
