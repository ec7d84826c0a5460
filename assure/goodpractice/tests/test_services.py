"""Good practice workflows: who may do what, in which state, recorded in the audit trail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from assure.audit.models import AuditEvent
from assure.evidence.filetypes import UploadRejected
from assure.goodpractice import services
from assure.goodpractice.models import Example
from assure.goodpractice.search import search_examples

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _input(framework, **changes) -> services.ExampleInput:
    data = {
        "title": "Walking groups prescribed by GPs",
        "summary": "Practices prescribe walking groups run by the council's leisure team.",
        "what_we_did": "We agreed a referral route with the council.",
        "results": "Three hundred people referred in a year.",
        "contact_name": "Pat Contact",
        "contact_email": "pat@example.org",
        "items": [framework.items.get(code="3.1")],
        **changes,
    }
    return services.ExampleInput(**data)


@pytest.fixture
def new_draft(demo) -> Example:
    return services.example_create(
        organisation=demo.ccg, framework=demo.framework, user=demo.ccg_staff, data=_input(demo.framework)
    )


def test_a_ccg_member_creates_a_draft_tagged_with_the_items_domains(demo, new_draft):
    assert new_draft.status == Example.Status.DRAFT
    assert [d.number for d in new_draft.domains.all()] == [3]
    assert "Walking groups" in new_draft.search_document and "3.1" in new_draft.search_document
    assert AuditEvent.objects.filter(action="goodpractice.created", object_id=str(new_draft.pk)).exists()


def test_an_hwb_member_can_share_good_practice_too(demo):
    example = services.example_create(
        organisation=demo.hwb, framework=demo.framework, user=demo.hwb_lead, data=_input(demo.framework)
    )
    assert example.organisation == demo.hwb


@pytest.mark.parametrize("who", ["ccg2_lead", "region_lead", "assessor"])
def test_nobody_else_can_add_an_example_for_an_organisation(demo, who):
    with pytest.raises(PermissionDenied):
        services.example_create(
            organisation=demo.ccg, framework=demo.framework, user=demo.users[who], data=_input(demo.framework)
        )
    assert not Example.objects.filter(title="Walking groups prescribed by GPs").exists()


def test_an_example_needs_its_text_and_a_tag(demo):
    with pytest.raises(services.ExampleInvalid) as raised:
        services.example_create(
            organisation=demo.ccg,
            framework=demo.framework,
            user=demo.ccg_lead,
            data=_input(demo.framework, title="  ", items=[]),
        )
    assert raised.value.errors == {
        "title": "Enter a title",
        "domains": "Choose at least one domain, theme or item the example is about",
    }


def test_the_whole_journey_submit_changes_resubmit_publish(demo, new_draft):
    services.example_submit(example=new_draft, user=demo.ccg_lead)
    assert new_draft.status == Example.Status.SUBMITTED

    services.example_moderate(
        example=new_draft, user=demo.region_lead, decision="request_changes", note="Add the numbers"
    )
    new_draft.refresh_from_db()
    assert (new_draft.status, new_draft.moderation_note) == (
        Example.Status.CHANGES_REQUESTED,
        "Add the numbers",
    )
    assert not search_examples(query="walking").exists()

    services.example_update(
        example=new_draft, user=demo.ccg_staff, data=_input(demo.framework, results="312 people in a year.")
    )
    services.example_submit(example=new_draft, user=demo.ccg_staff)
    services.example_moderate(example=new_draft, user=demo.admin, decision="approve")
    new_draft.refresh_from_db()
    assert new_draft.status == Example.Status.PUBLISHED and new_draft.published_at is not None
    assert list(search_examples(query="walking groups")) == [new_draft]
    actions = list(
        AuditEvent.objects.filter(object_id=str(new_draft.pk), action__startswith="goodpractice.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "goodpractice.created",
        "goodpractice.submitted",
        "goodpractice.changes_requested",
        "goodpractice.updated",
        "goodpractice.submitted",
        "goodpractice.published",
    ]


def test_submitter_is_emailed_the_decision_and_the_regional_lead_the_submission(
    demo, new_draft, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.example_submit(example=new_draft, user=demo.ccg_staff)
    assert [m.to for m in mail.outbox] == [["region@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.example_moderate(
            example=new_draft, user=demo.region_lead, decision="reject", note="Off topic"
        )
    assert mail.outbox[-1].to == ["ccg.staff@example.org"]
    assert "Off topic" in mail.outbox[-1].body


@pytest.mark.parametrize("who", ["ccg_lead", "ccg2_lead", "assessor", "hwb_lead"])
def test_moderation_by_anyone_but_an_admin_or_the_regional_lead_is_refused(demo, gp, who):
    with pytest.raises(PermissionDenied):
        services.example_moderate(example=gp.submitted, user=demo.users[who], decision="approve")
    gp.submitted.refresh_from_db()
    assert gp.submitted.status == Example.Status.SUBMITTED


def test_a_regional_lead_cannot_moderate_another_regions_examples(demo, gp, outsider):
    gp.far.status = Example.Status.SUBMITTED
    gp.far.save()
    with pytest.raises(PermissionDenied):
        services.example_moderate(example=gp.far, user=demo.region_lead, decision="approve")


def test_a_draft_cannot_be_moderated(demo, gp):
    with pytest.raises(PermissionDenied):
        services.example_moderate(example=gp.draft, user=demo.admin, decision="approve")


@pytest.mark.parametrize(
    ("decision", "field"), [("request_changes", "note"), ("reject", "note"), ("x", "decision")]
)
def test_asking_for_changes_or_rejecting_needs_a_note(demo, gp, decision, field):
    with pytest.raises(services.ExampleInvalid) as raised:
        services.example_moderate(example=gp.submitted, user=demo.region_lead, decision=decision, note=" ")
    assert field in raised.value.errors


def test_two_moderators_at_once_cannot_both_decide(demo, gp):
    stale = Example.objects.get(pk=gp.submitted.pk)
    services.example_moderate(example=gp.submitted, user=demo.region_lead, decision="approve")
    with pytest.raises(services.InvalidTransition):
        services.example_moderate(example=stale, user=demo.admin, decision="approve")


def test_a_published_example_can_be_taken_down_but_not_edited(demo, gp):
    with pytest.raises(services.InvalidTransition):
        services.example_update(example=gp.published, user=demo.ccg2_lead, data=_input(demo.framework))
    services.example_moderate(
        example=gp.published, user=demo.region_lead, decision="reject", note="Withdrawn"
    )
    gp.published.refresh_from_db()
    assert gp.published.status == Example.Status.REJECTED and gp.published.published_at is None
    assert not search_examples(query="navigators").exists()


def test_a_submitted_example_cannot_be_changed_or_submitted_again(demo, gp):
    with pytest.raises(services.InvalidTransition):
        services.example_update(example=gp.submitted, user=demo.ccg_lead, data=_input(demo.framework))
    with pytest.raises(services.InvalidTransition):
        services.example_submit(example=gp.submitted, user=demo.ccg_lead)


def test_attachments_are_checked_by_content_and_only_while_editable(demo, gp):
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    attachment = services.attachment_add(example=gp.draft, user=demo.ccg_staff, upload=upload)
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith(f"good-practice/{gp.draft.public_id}/")
    assert "report" not in attachment.file.name

    disguised = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(UploadRejected):
        services.attachment_add(example=gp.draft, user=demo.ccg_staff, upload=disguised)
    assert gp.draft.attachments.count() == 1

    with pytest.raises(PermissionDenied):
        services.attachment_add(
            example=gp.submitted, user=demo.ccg_lead, upload=SimpleUploadedFile("r.pdf", PDF)
        )
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            example=gp.draft, user=demo.ccg2_lead, upload=SimpleUploadedFile("r.pdf", PDF)
        )
