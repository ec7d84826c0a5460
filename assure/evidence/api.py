"""A CCG's evidence library over the API, reached through one of its self-assessments.

Mounted under `/assessments` next to the assessments router. Same rules as the pages: anyone who may see the
self-assessment lists the evidence they may see; only the CCG's own people add to it (`403` for others who can
see it, `404` for everyone else). Files are checked by content, as on the pages, before anything is stored.
"""

import datetime
import functools
from uuid import UUID

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from assure.assessments.api import InvalidOut, Message
from assure.assessments.models import Assessment
from assure.core import permissions
from assure.core.downloads import FILE_RESPONSE, file_download
from assure.core.links import PUBLIC_ID, UrlPattern
from assure.core.pagination import ApiPagination, Rows

from . import services
from .filetypes import ALLOWED_EXTENSIONS, UploadRejected
from .forms import EvidenceForm, EvidenceLinksForm
from .models import Evidence

router = Router(tags=["evidence"])


class EvidenceTypeRef(Schema):
    code: str
    title: str


class EvidenceOut(Schema):
    id: str = Field(description="The evidence's public id, as used in an item's `evidence`.")
    title: str
    type: EvidenceTypeRef
    document_date: datetime.date
    owner: str
    url: str | None = Field(description="The link, when the evidence is a link.")
    file_name: str | None = Field(description="The uploaded file's original name, when it is a file.")
    content_type: str | None
    size: int | None = Field(description="The file's size in bytes.")
    download_url: str | None = Field(description="Where the file can be downloaded (signed-in web session).")
    file_url: str | None = Field(description="Where the file can be downloaded with your token, in this API.")
    domains: list[int] = Field(description="Numbers of the domains it supports.")
    items: list[str] = Field(description="Codes of the items it is linked to.")
    created_at: datetime.datetime


class EvidenceIn(Schema):
    title: str = Field(max_length=200)
    evidence_type: str = Field(description="The code of one of the framework's evidence types.")
    document_date: datetime.date = Field(description="The date on the document; today or earlier.")
    owner: str = Field(max_length=200, description="Who in the CCG is responsible for the document.")
    url: str = Field("", description="A link to the document, instead of uploading a file.")
    domains: list[int] = Field(
        default_factory=list, description="Domain numbers; repeat the field for several."
    )
    items: list[str] = Field(default_factory=list, description="Item codes; repeat the field for several.")


def _assessment(request, public_id: UUID) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(request.auth).select_related("cycle__framework", "organisation"),
        public_id=public_id,
    )


@functools.cache
def _download_url() -> UrlPattern:
    """An evidence file's address on the web pages (a signed-in session), reversed once."""
    return UrlPattern("evidence:download")


@functools.cache
def _file_url() -> UrlPattern:
    """An evidence file's address in this API, reversed once rather than once per row of a list."""
    return UrlPattern("api:evidence_file", PUBLIC_ID, PUBLIC_ID)


def _out(evidence: Evidence, assessment_id: UUID) -> dict:
    """`assessment_id`: the self-assessment the evidence was reached through, for its `file_url`. Addresses are
    absolute (`SITE_URL`), as the good practice API's are."""
    site = settings.SITE_URL
    return {
        "id": str(evidence.public_id),
        "title": evidence.title,
        "type": {"code": evidence.evidence_type.code, "title": evidence.evidence_type.title},
        "document_date": evidence.document_date,
        "owner": evidence.owner,
        "url": evidence.url or None,
        "file_name": (evidence.original_name or None) if evidence.file else None,
        "content_type": evidence.content_type or None,
        "size": evidence.size,
        "download_url": site + _download_url().format(evidence.public_id) if evidence.file else None,
        "file_url": site + _file_url().format(assessment_id, evidence.public_id) if evidence.file else None,
        "domains": sorted(d.number for d in evidence.domains.all()),
        "items": [i.code for i in evidence.items.all()],  # in framework order (Item's default ordering)
        "created_at": evidence.created_at,
    }


def _invalid(errors: dict[str, str]) -> dict:
    return {
        "detail": [
            {"loc": ["form", name], "msg": msg, "type": "value_error"} for name, msg in errors.items()
        ],
        "errors": errors,
    }


@router.get(
    "/{uuid:id}/evidence",
    response={200: list[EvidenceOut], 404: Message},
    summary="The CCG's evidence library",
)
@paginate(ApiPagination)
def evidence_list(request, id: UUID):
    """The evidence of the self-assessment's CCG that you may see, newest document first. Paginated: `limit`
    (default 100, at most 500) and `offset`; the answer is `{items, count}`."""
    assessment = _assessment(request, id)
    evidence = (
        Evidence.objects.visible_to(request.auth)
        .filter(organisation=assessment.organisation_id)
        .select_related("evidence_type")
        .prefetch_related("domains", "items")
        .order_by("-document_date", "title", "pk")
    )
    return Rows(evidence, lambda row: _out(row, assessment.public_id))


@router.post(
    "/{uuid:id}/evidence",
    response={201: EvidenceOut, 403: Message, 404: Message, 422: InvalidOut},
    summary="Add evidence: upload a file or record a link",
    description=(
        "Send `multipart/form-data` with the fields below and either a `file` or a `url` (one, not both). "
        "A link may also be sent as `application/x-www-form-urlencoded`. "
        f"Accepted files: {', '.join(ALLOWED_EXTENSIONS)}, checked by their content, not their name. "
        "An empty, oversized, disguised (an executable renamed `.pdf`) or path-tricking file is refused "
        "with `422` and a message in `errors.file`; nothing is stored. Evidence types, domains and items "
        "come from the self-assessment's framework."
    ),
)
def evidence_create(request, id: UUID, payload: Form[EvidenceIn], file: File[UploadedFile] = None):
    assessment = _assessment(request, id)
    if not permissions.can_manage_evidence(request.auth, assessment.organisation_id):
        return Status(403, {"detail": "Only the CCG's own people can add to its evidence library."})
    framework = assessment.cycle.framework
    # The page's forms hold the rules (date not in the future, a link or a file, choices from the framework);
    # the API names types, domains and items by code and number rather than by database id.
    form = EvidenceForm(
        {
            "title": payload.title,
            "evidence_type": payload.evidence_type,
            "document_date": payload.document_date.isoformat(),
            "owner": payload.owner,
            "url": payload.url,
            "domains": [str(n) for n in payload.domains],
        },
        {"file": file} if file is not None else {},
        framework=framework,
    )
    form.fields["evidence_type"].to_field_name = "code"
    form.fields["domains"].to_field_name = "number"
    links = EvidenceLinksForm({"items": payload.items}, framework=framework)
    links.fields["items"].to_field_name = "code"
    errors = {}
    for bound in (form, links):
        if not bound.is_valid():
            errors.update({name: " ".join(messages) for name, messages in bound.errors.items()})
    if errors:
        return Status(422, _invalid(errors))
    data = services.EvidenceInput(
        title=form.cleaned_data["title"],
        evidence_type=form.cleaned_data["evidence_type"],
        document_date=form.cleaned_data["document_date"],
        owner=form.cleaned_data["owner"],
        upload=form.cleaned_data["file"],
        url=form.cleaned_data["url"] or "",
        domains=list(form.cleaned_data["domains"]),
        items=list(links.cleaned_data["items"]),
    )
    try:
        evidence = services.evidence_add(organisation=assessment.organisation, user=request.auth, data=data)
    except UploadRejected as exc:
        return Status(422, _invalid({"file": str(exc)}))
    evidence = (
        Evidence.objects.select_related("evidence_type")
        .prefetch_related("domains", "items")
        .get(pk=evidence.pk)
    )
    return Status(201, _out(evidence, assessment.public_id))


@router.get(
    "/{uuid:id}/evidence/{uuid:evidence_id}/file",
    response={200: None, 404: Message},
    url_name="evidence_file",
    summary="Download an evidence file",
    openapi_extra=FILE_RESPONSE,
)
def evidence_file(request, id: UUID, evidence_id: UUID):
    """The uploaded file of a piece of the CCG's evidence that you may see, as an attachment; its `file_url`.
    `404` for evidence that is a link, or that you may not see."""
    assessment = _assessment(request, id)
    evidence = get_object_or_404(
        Evidence.objects.visible_to(request.auth).filter(organisation=assessment.organisation_id),
        public_id=evidence_id,
    )
    if not evidence.file:
        return Status(404, {"detail": "This evidence is a link, not a file."})
    return file_download(
        evidence.file,
        name=evidence.original_name or "evidence",
        content_type=evidence.content_type,
        private=True,
    )
