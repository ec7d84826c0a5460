"""The good practice library over the API: the same rules and services as the pages.

Reading published examples needs no token. With a token you also see your own organisations' examples in any
state (and, as a moderator, those awaiting moderation), and you can submit and moderate. `404` when the example
is not one you may see, `403` when you may see it but not do this, `409` when its state forbids it (someone
moderated it first, say), `422` with `errors` by field when the input is invalid.
"""

from __future__ import annotations

import datetime
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from assure.assessments.api import InvalidOut, Message
from assure.config.api import PersonalToken
from assure.core import permissions
from assure.core.downloads import FILE_RESPONSE, file_download
from assure.evidence.filetypes import ALLOWED_EXTENSIONS, UploadRejected
from assure.frameworks.models import Domain, Item, Theme
from assure.organisations.models import Organisation

from . import services
from .forms import AttachmentForm
from .models import Attachment, Example, theme_code
from .search import Filters, search_examples

router = Router(tags=["good practice"])

MAX_LIMIT = 200


class TokenOrAnonymous(PersonalToken):
    """A personal token when one is sent (a wrong one is still `401`); otherwise an anonymous caller."""

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            return AnonymousUser()
        return super().__call__(request)


OPTIONAL_AUTH = TokenOrAnonymous()


class ExampleOrganisationRef(Schema):
    code: str
    name: str
    type: str = Field(description="The organisation type's code: `ccg` or `hwb`.")


class ThemeRef(Schema):
    code: str = Field(
        description="`<domain number>.<theme number>`, like `3.2`, as the `theme` filter takes it."
    )
    title: str


class AttachmentOut(Schema):
    id: str = Field(
        description="The file's public id, to remove it with `DELETE /good-practice/attachments/{id}`."
    )
    file_name: str
    content_type: str
    size: int = Field(description="In bytes.")
    download_url: str
    file_url: str = Field(
        description="Where it can be downloaded in this API (with your token, for a draft's)."
    )


class ExampleOut(Schema):
    id: str = Field(description="The example's public id.")
    title: str
    summary: str
    what_we_did: str
    results: str
    contact_name: str
    contact_email: str
    organisation: ExampleOrganisationRef
    status: Literal["draft", "submitted", "changes_requested", "published", "rejected"]
    domains: list[int] = Field(description="Numbers of the domains it is tagged with.")
    themes: list[ThemeRef]
    items: list[str] = Field(description="Codes of the items it is tagged with.")
    attachments: list[str] = Field(description="Download addresses of its files.")
    files: list[AttachmentOut] = Field(description="Its files, by name.")
    published_at: datetime.datetime | None
    url: str = Field(description="The example's web page.")


class ExampleDetailOut(ExampleOut):
    moderation_note: str = Field(
        description="The moderator's latest note: only for the organisation's people and moderators."
    )


class ExampleIn(Schema):
    organisation: str | None = Field(
        None, description="The code of your CCG or HWB; needed only if you belong to more than one."
    )
    title: str = Field(max_length=200)
    summary: str = Field(max_length=600)
    what_we_did: str = Field(max_length=6000)
    results: str = Field(max_length=6000)
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    domains: list[int] = Field(default_factory=list, description="Domain numbers.")
    themes: list[str] = Field(default_factory=list, description="Theme codes, like `3.2`.")
    items: list[str] = Field(default_factory=list, description="Item codes, like `3.1`.")


class ModerationIn(Schema):
    decision: Literal["approve", "request_changes", "reject"]
    note: str = Field("", description="Required to ask for changes (what) or to reject (why).")


class SearchParams(Schema):
    q: str = Field("", max_length=200, description="Words to search for; every word must match.")
    domain: int | None = Field(None, description="Only examples about this domain number.")
    theme: str | None = Field(
        None, pattern=r"^\d+\.\d+$", description="Only examples with this theme, like `3.2`."
    )
    organisation_type: Literal["ccg", "hwb"] | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _prefetched(examples):
    return examples.select_related("organisation__type").prefetch_related(
        Prefetch("domains", queryset=Domain.objects.order_by("number")),
        Prefetch(
            "themes", queryset=Theme.objects.select_related("domain").order_by("domain__number", "position")
        ),
        "items",
        "attachments",
    )


def _out(example: Example, *, note: bool = False) -> dict:
    out = {
        "id": str(example.public_id),
        "title": example.title,
        "summary": example.summary,
        "what_we_did": example.what_we_did,
        "results": example.results,
        "contact_name": example.contact_name,
        "contact_email": example.contact_email,
        "organisation": {
            "code": example.organisation.code,
            "name": example.organisation.name,
            "type": example.organisation.type.code,
        },
        "status": example.status,
        "domains": [d.number for d in example.domains.all()],
        "themes": [{"code": theme_code(t), "title": t.title} for t in example.themes.all()],
        "items": [i.code for i in example.items.all()],
        "attachments": [_download_url(a) for a in example.attachments.all()],
        "files": [_attachment_out(a) for a in example.attachments.all()],
        "published_at": example.published_at,
        "url": settings.SITE_URL + reverse("goodpractice:detail", args=[example.public_id]),
    }
    if note:
        out["moderation_note"] = example.moderation_note
    return out


def _download_url(attachment: Attachment) -> str:
    return settings.SITE_URL + reverse("goodpractice:download", args=[attachment.public_id])


def _attachment_out(attachment: Attachment) -> dict:
    return {
        "id": str(attachment.public_id),
        "file_name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "download_url": _download_url(attachment),
        "file_url": settings.SITE_URL + reverse("api:attachment_file", args=[attachment.public_id]),
    }


def _example(request, public_id: UUID) -> Example:
    return get_object_or_404(_prefetched(Example.objects.visible_to(request.auth)), public_id=public_id)


def _detail(request, example: Example) -> dict:
    sees_note = permissions.can_submit_good_practice(request.auth, example.organisation_id) or (
        permissions.can_moderate_example(request.auth, example)
    )
    return {**_out(example, note=True), "moderation_note": example.moderation_note if sees_note else ""}


def _invalid(errors: dict[str, str]) -> dict:
    return {
        "detail": [
            {"loc": ["body", "payload", k], "msg": v, "type": "value_error"} for k, v in errors.items()
        ],
        "errors": errors,
    }


@router.get(
    "",
    response=list[ExampleOut],
    auth=OPTIONAL_AUTH,
    summary="Search the published good practice",
)
def example_list(request, params: Query[SearchParams]):
    """Published examples, best match first when `q` has words (newest first otherwise), with their tags. The
    same full-text search as the library page; only published examples are ever listed here."""
    theme = tuple(int(part) for part in params.theme.split(".")) if params.theme else None
    filters = Filters(domain=params.domain, theme=theme, organisation_type=params.organisation_type)
    examples = search_examples(query=params.q, filters=filters)
    return [_out(e) for e in _prefetched(examples)[params.offset : params.offset + params.limit]]


@router.get("/mine", response=list[ExampleDetailOut], summary="Your organisations' examples, in any state")
def example_mine(request):
    ids = permissions.good_practice_organisation_ids(request.auth)
    examples = _prefetched(Example.objects.visible_to(request.auth).filter(organisation__in=ids)).order_by(
        "-updated_at"
    )
    return [_out(e, note=True) for e in examples]


@router.get(
    "/{uuid:id}",
    response={200: ExampleDetailOut, 404: Message},
    auth=OPTIONAL_AUTH,
    summary="One example",
)
def example_detail(request, id: UUID):
    """A published example, for anyone; with a token also your organisations' examples in any state, and for
    moderators those submitted in their region."""
    return _detail(request, _example(request, id))


def _tags(framework, payload: ExampleIn) -> tuple[list, list, list, dict[str, str]]:
    errors: dict[str, str] = {}
    domains = list(Domain.objects.filter(framework=framework, number__in=payload.domains))
    if len(domains) != len(set(payload.domains)):
        errors["domains"] = "Choose domains by their number in the framework"
    wanted = set(payload.themes)
    themes = [
        t
        for t in Theme.objects.filter(domain__framework=framework).select_related("domain")
        if theme_code(t) in wanted
    ]
    if len(themes) != len(wanted):
        errors["themes"] = "Choose themes by their code, like 3.2"
    items = list(Item.objects.filter(framework=framework, code__in=payload.items).select_related("domain"))
    if len(items) != len(set(payload.items)):
        errors["items"] = "Choose items by their code in the framework"
    return domains, themes, items, errors


def _input(payload: ExampleIn, domains, themes, items) -> services.ExampleInput:
    return services.ExampleInput(
        title=payload.title,
        summary=payload.summary,
        what_we_did=payload.what_we_did,
        results=payload.results,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        domains=domains,
        themes=themes,
        items=items,
    )


@router.post(
    "",
    response={201: ExampleDetailOut, 403: Message, 422: InvalidOut},
    summary="Add a draft example for your CCG or HWB",
)
def example_create(request, payload: ExampleIn):
    """Saved as a draft only your organisation can see; submit it with `POST /good-practice/{id}/submit`."""
    ids = permissions.good_practice_organisation_ids(request.auth)
    organisations = list(Organisation.objects.visible_to(request.auth).filter(pk__in=ids))
    if not organisations:
        return Status(403, {"detail": "Only people of a CCG or an HWB can share good practice."})
    if payload.organisation:
        organisation = next((o for o in organisations if o.code == payload.organisation), None)
        if organisation is None:
            return Status(422, _invalid({"organisation": "Choose one of your own CCGs or HWBs"}))
    elif len(organisations) > 1:
        return Status(422, _invalid({"organisation": "Say which of your organisations the example is from"}))
    else:
        organisation = organisations[0]
    framework = services.framework_for(request.auth)
    domains, themes, items, errors = _tags(framework, payload)
    if errors:
        return Status(422, _invalid(errors))
    try:
        example = services.example_create(
            organisation=organisation,
            framework=framework,
            user=request.auth,
            data=_input(payload, domains, themes, items),
        )
    except services.ExampleInvalid as exc:
        return Status(422, _invalid(exc.errors))
    return Status(201, _detail(request, _example(request, example.public_id)))


@router.put(
    "/{uuid:id}",
    response={200: ExampleDetailOut, 403: Message, 404: Message, 409: Message, 422: InvalidOut},
    summary="Change a draft, or an example the moderator sent back",
)
def example_update(request, id: UUID, payload: ExampleIn):
    example = _example(request, id)
    if not permissions.can_submit_good_practice(request.auth, example.organisation_id):
        return Status(403, {"detail": "Only the organisation's own people can change its examples."})
    domains, themes, items, errors = _tags(example.framework, payload)
    if errors:
        return Status(422, _invalid(errors))
    try:
        services.example_update(
            example=example, user=request.auth, data=_input(payload, domains, themes, items)
        )
    except services.ExampleInvalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.InvalidTransition as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _detail(request, _example(request, id)))


@router.post(
    "/{uuid:id}/submit",
    response={200: ExampleDetailOut, 403: Message, 404: Message, 409: Message},
    summary="Submit an example for moderation",
)
def example_submit(request, id: UUID):
    example = _example(request, id)
    if not permissions.can_submit_good_practice(request.auth, example.organisation_id):
        return Status(403, {"detail": "Only the organisation's own people can submit its examples."})
    try:
        services.example_submit(example=example, user=request.auth)
    except services.InvalidTransition as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _detail(request, _example(request, id)))


@router.post(
    "/{uuid:id}/moderate",
    response={200: ExampleDetailOut, 403: Message, 404: Message, 409: Message, 422: InvalidOut},
    summary="Approve, ask for changes or reject (moderators)",
)
def example_moderate(request, id: UUID, payload: ModerationIn):
    """Platform admins and the region's lead only (`403` for others who can see the example). Approving
    publishes it; asking for changes sends it back to the organisation with the note; rejecting needs a reason.
    A published example can be taken down by asking for changes or rejecting it."""
    example = _example(request, id)
    try:
        services.example_moderate(
            example=example, user=request.auth, decision=payload.decision, note=payload.note
        )
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.ExampleInvalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.InvalidTransition as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _detail(request, _example(request, id)))


@router.post(
    "/{uuid:id}/attachments",
    response={201: AttachmentOut, 403: Message, 404: Message, 409: Message, 422: InvalidOut},
    summary="Attach a file to a draft, or to an example the moderator sent back",
    description=(
        "Send `multipart/form-data` with the `file`. It is published with the example. "
        f"Accepted files: {', '.join(ALLOWED_EXTENSIONS)}, checked by their content, not their name; at most "
        f"{services.MAX_ATTACHMENTS} to an example. An empty, oversized, disguised (an executable renamed `.pdf`) "
        "or path-tricking file, or one too many, is refused with `422` and a message in `errors.file`; nothing is "
        "stored. `409` once the example is with the moderator or published."
    ),
)
def attachment_create(request, id: UUID, file: File[UploadedFile] = None):
    # Not `_example`: its prefetched files would stand in the audit record for the files after the upload.
    example = get_object_or_404(Example.objects.visible_to(request.auth), public_id=id)
    if not permissions.can_submit_good_practice(request.auth, example.organisation_id):
        return Status(403, {"detail": "Only the organisation's own people can add files to its examples."})
    form = AttachmentForm({}, {"file": file} if file is not None else {})
    if not form.is_valid():
        return Status(422, _file_invalid(" ".join(form.errors["file"])))
    try:
        attachment = services.attachment_add(
            example=example, user=request.auth, upload=form.cleaned_data["file"]
        )
    except UploadRejected as exc:
        return Status(422, _file_invalid(str(exc)))
    except (PermissionDenied, services.InvalidTransition) as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, _attachment_out(attachment))


def _file_invalid(message: str) -> dict:
    return {
        "detail": [{"loc": ["form", "file"], "msg": message, "type": "value_error"}],
        "errors": {"file": message},
    }


@router.get(
    "/attachments/{uuid:id}",
    response={200: None, 404: Message},
    auth=OPTIONAL_AUTH,
    url_name="attachment_file",
    summary="Download a file of an example",
    openapi_extra=FILE_RESPONSE,
)
def attachment_file(request, id: UUID):
    """A published example's file, for anyone; with a token also the files of examples you may see in any
    state. `404` for any other."""
    attachment = get_object_or_404(
        Attachment.objects.visible_to(request.auth).select_related("example"), public_id=id
    )
    return file_download(
        attachment.file,
        name=attachment.original_name or "attachment",
        content_type=attachment.content_type,
        private=not attachment.example.is_published,
    )


@router.delete(
    "/attachments/{uuid:id}",
    response={204: None, 403: Message, 404: Message, 409: Message},
    summary="Remove a file from a draft, or from an example the moderator sent back",
)
def attachment_remove(request, id: UUID):
    """The organisation's own people only (`403` for others who can see the example); `409` once the example is
    with the moderator or published."""
    attachment = get_object_or_404(
        Attachment.objects.visible_to(request.auth).select_related("example"), public_id=id
    )
    if not permissions.can_submit_good_practice(request.auth, attachment.example.organisation_id):
        return Status(403, {"detail": "Only the organisation's own people can remove its examples' files."})
    try:
        services.attachment_delete(attachment=attachment, user=request.auth)
    except PermissionDenied as exc:
        return Status(409, {"detail": str(exc)})
    return Status(204, None)
