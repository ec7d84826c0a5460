"""Adding evidence: files are checked by content before anything is stored, and nothing is left half-written."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from assure.audit.services import audit_record
from assure.frameworks.models import Domain, EvidenceType, Item
from assure.organisations.models import Organisation

from .filetypes import UploadRejected, check_upload
from .models import Evidence


@dataclass
class EvidenceInput:
    title: str
    evidence_type: EvidenceType
    document_date: datetime.date
    owner: str
    upload: UploadedFile | None = None
    url: str = ""
    domains: list[Domain] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


def max_upload_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024


def evidence_add(*, organisation: Organisation, user, data: EvidenceInput) -> Evidence:
    """Store an uploaded file or a link. Raises UploadRejected (nothing stored) when the file is not acceptable."""
    if bool(data.upload) == bool(data.url):
        raise UploadRejected("Choose a file to upload or give a link, not both.")
    evidence = Evidence(
        organisation=organisation,
        title=data.title.strip(),
        evidence_type=data.evidence_type,
        document_date=data.document_date,
        owner=data.owner.strip(),
        url=data.url.strip(),
        added_by=user,
    )
    if data.upload is not None:
        kind = check_upload(data.upload.name, data.upload, data.upload.size, max_upload_bytes())
        evidence.original_name = data.upload.name[:255]
        evidence.content_type = kind.content_type
        evidence.size = data.upload.size
        evidence.file.save(data.upload.name, data.upload, save=False)
    try:
        with transaction.atomic():
            evidence.save()
            evidence.domains.set(data.domains)
            evidence.items.set(data.items)
            audit_record(
                actor=user,
                action="evidence.added",
                obj=evidence,
                organisation=organisation,
                context=f"Evidence “{evidence.title}”",
                after=_audit_state(evidence),
            )
    except Exception:
        if evidence.file:
            evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_update_links(*, evidence: Evidence, user, domains: list[Domain], items: list[Item]) -> Evidence:
    before = _audit_state(evidence)
    evidence.domains.set(domains)
    evidence.items.set(items)
    after = _audit_state(evidence)
    if before != after:
        audit_record(
            actor=user,
            action="evidence.links",
            obj=evidence,
            organisation=evidence.organisation,
            context=f"Evidence “{evidence.title}”",
            before=before,
            after=after,
        )
    return evidence


def evidence_delete(*, evidence: Evidence, user) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action="evidence.deleted",
            obj=evidence,
            organisation=evidence.organisation,
            context=f"Evidence “{evidence.title}”",
            before=_audit_state(evidence),
        )
        file = evidence.file
        evidence.delete()
        if file:
            transaction.on_commit(lambda: file.storage.delete(file.name))


def _audit_state(evidence: Evidence) -> dict:
    return {
        "title": evidence.title,
        "type": evidence.evidence_type.code,
        "document_date": evidence.document_date.isoformat(),
        "owner": evidence.owner,
        "file": evidence.original_name,
        "link": evidence.url,
        "domains": sorted(d.number for d in evidence.domains.all()) if evidence.pk else [],
        "items": sorted(i.code for i in evidence.items.all()) if evidence.pk else [],
    }
