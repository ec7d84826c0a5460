"""Good practice workflows: drafting, submitting, moderating and attaching files.

Each function checks who may act (as well as the views and API do) and the example's state, changes it with a
conditional update so two people acting at once cannot both succeed, and records the change in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assure.audit.services import audit_record
from assure.core import permissions
from assure.evidence.filetypes import check_upload
from assure.evidence.services import max_upload_bytes
from assure.frameworks.models import Domain, Framework, Item, Theme
from assure.organisations.models import Membership, Organisation, Role

from .models import NOTE_MAX_LENGTH, Attachment, Example, theme_code

MAX_ATTACHMENTS = 10

Status = Example.Status


class InvalidTransition(Exception):
    """The example's state does not allow this (someone else moderated it first, say)."""


class ExampleInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass
class ExampleInput:
    title: str
    summary: str
    what_we_did: str
    results: str
    contact_name: str
    contact_email: str
    domains: list[Domain] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


class Decision:
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    CHOICES = [
        (APPROVE, "Approve and publish"),
        (REQUEST_CHANGES, "Ask for changes"),
        (REJECT, "Reject"),
    ]


def framework_for(user) -> Framework:
    """Examples are tagged from the framework of the newest cycle the person may see, or else the newest
    framework loaded."""
    from django.http import Http404

    from assure.cycles.models import Cycle

    cycle = Cycle.objects.visible_to(user).select_related("framework").order_by("-starts_on").first()
    if cycle is not None:
        return cycle.framework
    framework = Framework.objects.latest_versions().order_by("-imported_at").first()
    if framework is None:
        raise Http404("No framework has been loaded")
    return framework


def _validate(*, framework: Framework, data: ExampleInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, label in [
        ("title", "a title"),
        ("summary", "a summary"),
        ("what_we_did", "what you did"),
        ("results", "the results"),
        ("contact_name", "a contact name"),
        ("contact_email", "a contact email address"),
    ]:
        if not getattr(data, name).strip():
            errors[name] = f"Enter {label}"
    tags = [*data.domains, *data.themes, *data.items]
    if not tags:
        errors["domains"] = "Choose at least one domain, theme or item the example is about"
    for tag in data.domains + data.items:
        if tag.framework_id != framework.pk:
            errors["domains"] = "Choose domains, themes and items from the framework"
    for theme in data.themes:
        if theme.domain.framework_id != framework.pk:
            errors["themes"] = "Choose themes from the framework"
    return errors


def _search_document(example: Example) -> str:
    """The text a search finds the example by: its own words, its organisation and its tags."""
    parts = [
        example.title,
        example.summary,
        example.what_we_did,
        example.results,
        example.organisation.name,
        example.organisation.type.name,
    ]
    parts += [f"Domain {d.number} {d.title} {d.short_title}" for d in example.domains.all()]
    parts += [t.title for t in example.themes.all()]
    parts += [f"{i.code} {i.text}" for i in example.items.all()]
    return "\n".join(p for p in parts if p)


def example_reindex(*, example: Example) -> None:
    """Bring the example's search text up to date with its fields, organisation and tags."""
    _refresh(example)


def _refresh(example: Example) -> None:
    example.search_document = _search_document(example)
    Example.objects.filter(pk=example.pk).update(search_document=example.search_document)


def _set_fields(example: Example, data: ExampleInput) -> None:
    example.title = data.title.strip()
    example.summary = data.summary.strip()
    example.what_we_did = data.what_we_did.strip()
    example.results = data.results.strip()
    example.contact_name = data.contact_name.strip()
    example.contact_email = data.contact_email.strip()


def _tags(data: ExampleInput) -> tuple[list[Domain], list[Theme], list[Item]]:
    """The domains an example is tagged with include those of its themes and items."""
    domains = {d.pk: d for d in data.domains}
    for tag in [*data.themes, *data.items]:
        domains.setdefault(tag.domain_id, tag.domain)
    return sorted(domains.values(), key=lambda d: d.number), data.themes, data.items


def _audit_state(example: Example) -> dict:
    return {
        "status": example.status,
        "title": example.title,
        "summary": example.summary,
        "what_we_did": example.what_we_did,
        "results": example.results,
        "contact": f"{example.contact_name} <{example.contact_email}>",
        "domains": sorted(d.number for d in example.domains.all()),
        "themes": sorted(theme_code(t) for t in example.themes.select_related("domain")),
        "items": sorted(i.code for i in example.items.all()),
        "attachments": sorted(a.original_name for a in example.attachments.all()),
        "note": example.moderation_note,
    }


def _record(*, user, action: str, example: Example, before: dict | None, after: dict | None) -> None:
    audit_record(
        actor=user,
        action=action,
        obj=example,
        organisation=example.organisation,
        context=f"Good practice “{example.title}”",
        before=before,
        after=after,
    )


@transaction.atomic
def example_create(*, organisation: Organisation, framework: Framework, user, data: ExampleInput) -> Example:
    """A new draft for `organisation`. Raises PermissionDenied or ExampleInvalid."""
    if not permissions.can_submit_good_practice(user, organisation.pk):
        raise PermissionDenied("Only the organisation's own people can add its good practice.")
    errors = _validate(framework=framework, data=data)
    if errors:
        raise ExampleInvalid(errors)
    example = Example(organisation=organisation, framework=framework, created_by=user)
    _set_fields(example, data)
    example.save()
    domains, themes, items = _tags(data)
    example.domains.set(domains)
    example.themes.set(themes)
    example.items.set(items)
    _refresh(example)
    _record(
        user=user, action="goodpractice.created", example=example, before=None, after=_audit_state(example)
    )
    return example


@transaction.atomic
def example_update(*, example: Example, user, data: ExampleInput) -> Example:
    """Change a draft, or an example the moderator asked to change. Raises PermissionDenied, ExampleInvalid or
    InvalidTransition."""
    if not permissions.can_submit_good_practice(user, example.organisation_id):
        raise PermissionDenied("Only the organisation's own people can change its good practice.")
    errors = _validate(framework=example.framework, data=data)
    if errors:
        raise ExampleInvalid(errors)
    example = Example.objects.select_for_update().select_related("organisation__type").get(pk=example.pk)
    if not example.is_editable:
        raise InvalidTransition(
            "This example is with the moderator or published, so it cannot be changed now."
        )
    before = _audit_state(example)
    _set_fields(example, data)
    example.save()
    domains, themes, items = _tags(data)
    example.domains.set(domains)
    example.themes.set(themes)
    example.items.set(items)
    _refresh(example)
    after = _audit_state(example)
    if before != after:
        _record(user=user, action="goodpractice.updated", example=example, before=before, after=after)
    return example


def _transition(example: Example, *, from_states: set[str], **changes) -> None:
    updated = Example.objects.filter(pk=example.pk, status__in=from_states).update(
        updated_at=timezone.now(), **changes
    )
    if not updated:
        current = Example.objects.filter(pk=example.pk).values_list("status", flat=True).first()
        label = Status(current).label.lower() if current else "gone"
        raise InvalidTransition(f"This example is now {label}, so that cannot be done.")
    for name, value in changes.items():
        setattr(example, name, value)


@transaction.atomic
def example_submit(*, example: Example, user) -> Example:
    """Send a draft (or a changed example) to the moderators."""
    if not permissions.can_submit_good_practice(user, example.organisation_id):
        raise PermissionDenied("Only the organisation's own people can submit its good practice.")
    before = _audit_state(example)
    _transition(
        example,
        from_states={Status.DRAFT, Status.CHANGES_REQUESTED},
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    _record(
        user=user,
        action="goodpractice.submitted",
        example=example,
        before=before,
        after=_audit_state(example),
    )
    _tell_moderators(example)
    return example


@transaction.atomic
def example_moderate(*, example: Example, user, decision: str, note: str = "") -> Example:
    """Approve (publish), ask for changes (with a note) or reject (with a reason).

    An example awaiting moderation can be decided either way; a published one can be taken down by asking for
    changes or rejecting it. Raises PermissionDenied, ExampleInvalid or InvalidTransition.
    """
    if not permissions.can_moderate_example(user, example):
        raise PermissionDenied("Only a platform admin or the region's lead can moderate good practice.")
    note = note.strip()
    if decision not in {d for d, _ in Decision.CHOICES}:
        raise ExampleInvalid({"decision": "Choose whether to approve, ask for changes or reject"})
    if decision == Decision.REQUEST_CHANGES and not note:
        raise ExampleInvalid({"note": "Say what needs to change"})
    if decision == Decision.REJECT and not note:
        raise ExampleInvalid({"note": "Give the reason for rejecting the example"})
    if len(note) > NOTE_MAX_LENGTH:
        raise ExampleInvalid({"note": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"})
    before = _audit_state(example)
    now = timezone.now()
    moderated = {"moderated_at": now, "moderated_by": user, "moderation_note": note}
    if decision == Decision.APPROVE:
        _transition(
            example, from_states={Status.SUBMITTED}, status=Status.PUBLISHED, published_at=now, **moderated
        )
        action = "goodpractice.published"
    elif decision == Decision.REQUEST_CHANGES:
        _transition(
            example,
            from_states={Status.SUBMITTED, Status.PUBLISHED},
            status=Status.CHANGES_REQUESTED,
            published_at=None,
            **moderated,
        )
        action = "goodpractice.changes_requested"
    else:
        _transition(
            example,
            from_states={Status.SUBMITTED, Status.PUBLISHED},
            status=Status.REJECTED,
            published_at=None,
            **moderated,
        )
        action = "goodpractice.rejected"
    _record(user=user, action=action, example=example, before=before, after=_audit_state(example))
    _tell_submitter(example)
    return example


def attachment_add(*, example: Example, user, upload: UploadedFile) -> Attachment:
    """Attach a file, checked by its content like evidence. Raises UploadRejected (nothing stored),
    PermissionDenied or InvalidTransition."""
    from assure.evidence.filetypes import UploadRejected

    if not permissions.can_edit_example(user, example):
        raise PermissionDenied("Files can be attached only while the example is a draft or being changed.")
    if example.attachments.count() >= MAX_ATTACHMENTS:
        raise UploadRejected(f"An example can have at most {MAX_ATTACHMENTS} files.")
    kind = check_upload(upload.name, upload, upload.size, max_upload_bytes())
    attachment = Attachment(
        example=example,
        original_name=upload.name[:255],
        content_type=kind.content_type,
        size=upload.size,
        added_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            if not Example.objects.select_for_update().get(pk=example.pk).is_editable:
                raise InvalidTransition("This example can no longer be changed.")
            before = _audit_state(example)
            attachment.save()
            _record(
                user=user,
                action="goodpractice.attachment_added",
                example=example,
                before=before,
                after=_audit_state(example),
            )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user) -> None:
    example = attachment.example
    if not permissions.can_edit_example(user, example):
        raise PermissionDenied("Files can be removed only while the example is a draft or being changed.")
    before = _audit_state(example)
    file = attachment.file
    attachment.delete()
    _record(
        user=user,
        action="goodpractice.attachment_removed",
        example=example,
        before=before,
        after=_audit_state(example),
    )
    transaction.on_commit(lambda: file.storage.delete(file.name))


# Emails -------------------------------------------------------------------------------------------------------


def _link(example: Example) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("goodpractice:detail", args=[example.public_id])


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def _tell_moderators(example: Example) -> None:
    leads = list(
        Membership.objects.filter(
            organisation=example.organisation.region_id, role=Role.REGIONAL_LEAD, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    _send(
        f"Good practice to moderate: {example.title}",
        f"{example.organisation.name} has submitted “{example.title}” to the good practice library.\n\n"
        f"Approve it, ask for changes or reject it here: {_link(example)}\n",
        leads,
    )


def _tell_submitter(example: Example) -> None:
    if example.created_by is None or not example.created_by.is_active:
        return
    outcome = {
        Status.PUBLISHED: "has been approved and is now published in the good practice library.",
        Status.CHANGES_REQUESTED: "needs some changes before it can be published.",
        Status.REJECTED: "has not been accepted for the good practice library.",
    }[Status(example.status)]
    note = f"\n\nThe moderator's note:\n{example.moderation_note}" if example.moderation_note else ""
    _send(
        f"Your good practice example: {example.title}",
        f"“{example.title}” {outcome}{note}\n\n{_link(example)}\n",
        [example.created_by.email],
    )
