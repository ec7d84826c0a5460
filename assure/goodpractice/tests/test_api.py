"""The good practice API: public search, and submitting and moderating with a token, under the pages' rules."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assure.audit.models import AuditEvent
from assure.goodpractice import services
from assure.goodpractice.models import Example

from .factories import ExampleFactory

BASE = "/api/v1/good-practice"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _payload(**changes) -> dict:
    return {
        "title": "Carers' hub with the council",
        "summary": "One front door for carers.",
        "what_we_did": "Jointly commissioned a carers' hub.",
        "results": "Twice as many carers assessed.",
        "contact_name": "Pat Contact",
        "contact_email": "pat@example.org",
        "domains": [5],
        "themes": ["5.2"],
        "items": ["5.2"],
        **changes,
    }


def test_anyone_can_search_published_examples_with_their_tags(gp, client):
    response = client.get(BASE, {"q": "navigators"})
    assert response.status_code == 200
    [example] = response.json()
    assert example["title"] == "Islington wellbeing navigators"
    assert example["organisation"] == {"code": "08H", "name": "NHS Islington CCG", "type": "ccg"}
    assert example["domains"] == [1] and example["items"] == ["1.3"] and example["themes"][0]["code"] == "1.1"
    assert example["status"] == "published"
    assert "moderation_note" not in example


def test_the_public_list_never_holds_unpublished_examples(gp, client, api_get, token_for, demo):
    hidden = {gp.draft.title, gp.submitted.title, gp.far.title}
    for token in (None, token_for(demo.ccg_lead), token_for(demo.admin)):
        titles = {e["title"] for e in api_get(BASE, token, limit=200).json()}
        assert "Islington wellbeing navigators" in titles and not hidden & titles


def test_filters_and_paging(gp, client):
    assert {e["title"] for e in client.get(BASE, {"organisation_type": "hwb"}).json()} == {
        "One forward plan for a board with two CCG partners"
    }
    assert {e["title"] for e in client.get(BASE, {"theme": "1.1"}).json()} == {
        "Islington wellbeing navigators",
        "Using the JSNA to shape every commissioning plan",
    }
    assert len(client.get(BASE, {"limit": 2}).json()) == 2
    assert client.get(BASE, {"limit": 0}).status_code == 422
    assert client.get(BASE, {"theme": "one"}).status_code == 422
    assert client.get(BASE, {"q": '"NEAR( AND *'}).status_code == 200


def test_a_wrong_token_is_401_even_on_public_endpoints(gp, api_get):
    assert api_get(BASE, "not-a-token").status_code == 401


def test_list_query_count_stays_flat(gp, client, demo, django_assert_max_num_queries):
    for n in range(25):
        ExampleFactory(
            organisation=demo.ccg2, framework=demo.framework, title=f"Bulk {n}", tags=[gp.item13, gp.theme]
        )
    with django_assert_max_num_queries(6):
        assert len(client.get(BASE, {"limit": 200}).json()) > 25


@pytest.mark.parametrize("which", ["draft", "submitted", "far"])
def test_unpublished_examples_are_404_for_others(gp, api_get, token_for, demo, which):
    url = f"{BASE}/{getattr(gp, which).public_id}"
    assert api_get(url).status_code == 404
    assert api_get(url, token_for(demo.ccg2_lead)).status_code == 404
    assert api_get(url, token_for(demo.assessor)).status_code == 404


def test_own_drafts_and_notes_with_a_token(gp, api_get, token_for, demo):
    token = token_for(demo.ccg_staff)
    detail = api_get(f"{BASE}/{gp.draft.public_id}", token).json()
    assert detail["status"] == "draft" and detail["moderation_note"] == ""
    mine = {e["title"] for e in api_get(f"{BASE}/mine", token).json()}
    assert {gp.draft.title, gp.submitted.title} <= mine and gp.published.title not in mine


def test_submit_and_moderate_through_the_api(demo, client, token_for):
    lead = {"Authorization": f"Bearer {token_for(demo.hwb_lead)}"}
    created = client.post(BASE, _payload(), content_type="application/json", headers=lead)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["organisation"]["code"] == "HWB-CAM"
    assert body["domains"] == [5] and body["themes"][0]["code"] == "5.2"
    url = f"{BASE}/{body['id']}"

    changed = client.put(
        url, _payload(results="Three times as many."), content_type="application/json", headers=lead
    )
    assert changed.json()["results"] == "Three times as many."
    assert client.post(f"{url}/submit", headers=lead).json()["status"] == "submitted"
    assert client.post(f"{url}/submit", headers=lead).status_code == 409

    region = {"Authorization": f"Bearer {token_for(demo.region_lead)}"}
    no_note = client.post(
        f"{url}/moderate", {"decision": "reject"}, content_type="application/json", headers=region
    )
    assert no_note.status_code == 422 and "note" in no_note.json()["errors"]
    approved = client.post(
        f"{url}/moderate",
        {"decision": "approve", "note": "Thanks"},
        content_type="application/json",
        headers=region,
    )
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    assert client.get(url).json()["moderation_note"] == ""  # the public does not see the note
    assert client.get(url, headers=lead).json()["moderation_note"] == "Thanks"


def test_forged_moderation_through_the_api_is_refused(gp, client, token_for, demo):
    url = f"{BASE}/{gp.submitted.public_id}/moderate"
    body = {"decision": "approve", "note": ""}
    own = {"Authorization": f"Bearer {token_for(demo.ccg_lead)}"}
    assert client.post(url, body, content_type="application/json", headers=own).status_code == 403
    other = {"Authorization": f"Bearer {token_for(demo.assessor)}"}
    assert client.post(url, body, content_type="application/json", headers=other).status_code == 404
    assert client.post(url, body, content_type="application/json").status_code == 401
    gp.submitted.refresh_from_db()
    assert gp.submitted.status == Example.Status.SUBMITTED


def test_invalid_submissions_are_422_and_outsiders_403(demo, client, token_for):
    lead = {"Authorization": f"Bearer {token_for(demo.ccg_lead)}"}
    bad = client.post(
        BASE, _payload(items=["9.99"], themes=["1.99"]), content_type="application/json", headers=lead
    )
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"items", "themes"}
    untagged = client.post(
        BASE, _payload(domains=[], themes=[], items=[]), content_type="application/json", headers=lead
    )
    assert untagged.status_code == 422
    not_mine = client.post(BASE, _payload(organisation="08H"), content_type="application/json", headers=lead)
    assert not_mine.status_code == 422
    assessor = {"Authorization": f"Bearer {token_for(demo.assessor)}"}
    assert client.post(BASE, _payload(), content_type="application/json", headers=assessor).status_code == 403
    assert not Example.objects.filter(title="Carers' hub with the council").exists()


def test_another_organisation_cannot_change_or_submit_an_example(gp, client, token_for, demo):
    other = {"Authorization": f"Bearer {token_for(demo.ccg2_lead)}"}
    url = f"{BASE}/{gp.draft.public_id}"
    assert client.put(url, _payload(), content_type="application/json", headers=other).status_code == 404
    assert client.post(f"{url}/submit", headers=other).status_code == 404


# Files ------------------------------------------------------------------------------------------------------------


def _upload(client, example, token, name="costs.pdf", content=PDF):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    files = {"file": SimpleUploadedFile(name, content)} if content is not None else {}
    return client.post(f"{BASE}/{example.public_id}/attachments", files, headers=headers)


def test_a_file_is_attached_listed_and_removed_through_the_api(gp, client, token_for, demo):
    token = token_for(demo.ccg_staff)
    added = _upload(client, gp.draft, token)
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["file_name"] == "costs.pdf" and body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF) and body["download_url"].endswith(f"/attachments/{body['id']}/download/")

    detail = client.get(f"{BASE}/{gp.draft.public_id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert detail["files"] == [body] and detail["attachments"] == [body["download_url"]]
    added = AuditEvent.objects.get(action="goodpractice.attachment_added", actor=demo.ccg_staff)
    assert (added.before["attachments"], added.after["attachments"]) == ([], ["costs.pdf"])

    removed = client.delete(f"{BASE}/attachments/{body['id']}", headers={"Authorization": f"Bearer {token}"})
    assert removed.status_code == 204
    assert not gp.draft.attachments.exists()
    removed = AuditEvent.objects.get(action="goodpractice.attachment_removed", actor=demo.ccg_staff)
    assert (removed.before["attachments"], removed.after["attachments"]) == (["costs.pdf"], [])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"MZ\x90 not a pdf", "is not a PDF file"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("tool.exe", b"MZ\x90", "must be one of these types"),
        ("notes.pdf", None, "Select a file to upload"),
    ],
)
def test_a_refused_file_is_422_naming_what_was_wrong_and_nothing_is_stored(
    gp, client, token_for, demo, name, content, message
):
    response = _upload(client, gp.draft, token_for(demo.ccg_lead), name, content)
    assert response.status_code == 422
    assert message in response.json()["errors"]["file"]
    assert not gp.draft.attachments.exists()


def test_an_oversized_file_is_refused(gp, client, token_for, demo, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    response = _upload(client, gp.draft, token_for(demo.ccg_lead), content=PDF + b" " * (1024 * 1024))
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not gp.draft.attachments.exists()


def test_one_file_too_many_is_refused(gp, client, token_for, demo, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENTS", 1)
    token = token_for(demo.ccg_lead)
    assert _upload(client, gp.draft, token).status_code == 201
    response = _upload(client, gp.draft, token)
    assert response.status_code == 422 and "at most 1 files" in response.json()["errors"]["file"]
    assert gp.draft.attachments.count() == 1


def test_files_are_added_and_removed_only_while_the_example_can_change(gp, client, token_for, demo):
    token = token_for(demo.ccg_lead)
    assert _upload(client, gp.submitted, token).status_code == 409
    attachment = services.attachment_add(
        example=gp.draft, user=demo.ccg_lead, upload=SimpleUploadedFile("costs.pdf", PDF)
    )
    services.example_submit(example=gp.draft, user=demo.ccg_lead)
    removed = client.delete(
        f"{BASE}/attachments/{attachment.public_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert removed.status_code == 409
    assert gp.draft.attachments.count() == 1 and gp.submitted.attachments.count() == 0


def test_only_the_organisations_people_add_or_remove_files(gp, client, token_for, demo):
    attachment = services.attachment_add(
        example=gp.draft, user=demo.ccg_lead, upload=SimpleUploadedFile("costs.pdf", PDF)
    )
    url = f"{BASE}/attachments/{attachment.public_id}"
    # another CCG of the region, and an HWB, do not see Camden's draft at all
    for person in (demo.ccg2_lead, demo.hwb_lead, demo.assessor):
        token = token_for(person)
        assert _upload(client, gp.draft, token).status_code == 404
        assert client.delete(url, headers={"Authorization": f"Bearer {token}"}).status_code == 404
    # a platform admin sees it, but it is not theirs to change
    admin = token_for(demo.admin)
    assert _upload(client, gp.draft, admin).status_code == 403
    assert client.delete(url, headers={"Authorization": f"Bearer {admin}"}).status_code == 403
    assert _upload(client, gp.draft, None).status_code == 401
    assert client.delete(url).status_code == 401
    assert list(gp.draft.attachments.all()) == [attachment]


def test_a_file_downloads_from_its_file_url_for_those_who_may_see_the_example(gp, client, token_for, demo):
    token = token_for(demo.ccg_staff)
    body = _upload(client, gp.draft, token).json()
    assert body["file_url"].endswith(f"/api/v1/good-practice/attachments/{body['id']}")
    url = f"{BASE}/attachments/{body['id']}"

    response = client.get(url, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="costs.pdf"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"  # a draft's
    # a draft's file is the draft's people's: not the public's, nor another CCG's
    assert client.get(url).status_code == 404
    assert (
        client.get(url, headers={"Authorization": f"Bearer {token_for(demo.ccg2_lead)}"}).status_code == 404
    )


def test_a_published_examples_file_downloads_for_anyone(gp, client, token_for, demo):
    attachment = services.attachment_add(
        example=gp.draft, user=demo.ccg_lead, upload=SimpleUploadedFile("costs.pdf", PDF)
    )
    Example.objects.filter(pk=gp.draft.pk).update(status=Example.Status.PUBLISHED)

    response = client.get(f"{BASE}/attachments/{attachment.public_id}")

    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "Cache-Control" not in response
