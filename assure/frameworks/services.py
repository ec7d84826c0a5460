"""Importing frameworks: validate the whole file first, then write it in one transaction."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import models
from .loader import FrameworkFileError, Problem, content_hash, load_file, load_text
from .schema import Framework as FrameworkDocument


class ImportOutcome(enum.Enum):
    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportResult:
    framework: models.Framework
    outcome: ImportOutcome

    def __str__(self) -> str:
        fw = self.framework
        return f"{fw.slug} version {fw.version}: {self.outcome.value}"


def framework_import(
    *, path: Path | str | None = None, text: str | None = None, filename: str = ""
) -> ImportResult:
    """Import one framework file (or its text). Raises FrameworkFileError and writes nothing when it is rejected."""
    if (path is None) == (text is None):
        raise ValueError("Give either path or text.")
    if path is not None:
        document = load_file(path)
        filename = str(path)
    else:
        document = load_text(text or "", filename=filename or "<framework>")
    return framework_save(document=document, filename=filename)


@transaction.atomic
def framework_save(*, document: FrameworkDocument, filename: str = "") -> ImportResult:
    digest = content_hash(document)
    existing = (
        models.Framework.objects.select_for_update()
        .filter(slug=document.slug, version=document.version)
        .first()
    )
    if existing is not None:
        if existing.content_hash == digest:
            return ImportResult(existing, ImportOutcome.UNCHANGED)
        if existing.cycles.exists():
            names = ", ".join(existing.cycles.values_list("name", flat=True)[:3])
            raise FrameworkFileError(
                filename or document.slug,
                [
                    Problem(
                        "version",
                        f"version {document.version} of {document.slug} is used by a cycle ({names}) and cannot "
                        "be changed; give the changed file a new version and import it",
                    )
                ],
            )
        public_id = existing.public_id
        existing.delete()
        framework = _write(document, digest, filename)
        framework.public_id = public_id
        framework.save(update_fields=["public_id"])
        return ImportResult(framework, ImportOutcome.REPLACED)
    return ImportResult(_write(document, digest, filename), ImportOutcome.CREATED)


def _write(document: FrameworkDocument, digest: str, filename: str) -> models.Framework:
    framework = models.Framework.objects.create(
        slug=document.slug,
        version=document.version,
        title=document.title,
        summary=document.summary,
        content_hash=digest,
        source_path=_relative(filename),
        imported_at=timezone.now(),
    )
    models.ImportedDocument.objects.create(framework=framework, document=document.model_dump(mode="json"))
    sources = {
        s.id: models.Source.objects.create(
            framework=framework, key=s.id, title=s.title, publisher=s.publisher or "", year=s.year
        )
        for s in document.sources
    }
    evidence = {
        e.code: models.EvidenceType.objects.create(
            framework=framework, code=e.code, title=e.title, source=sources[e.source], position=i
        )
        for i, e in enumerate(document.evidence_types)
    }
    for d in document.domains:
        domain = models.Domain.objects.create(
            framework=framework,
            number=d.number,
            title=d.title,
            short_title=d.short_title,
            description=d.description,
            description_source=sources[d.description_source],
            concern=d.concern,
            concern_source=sources[d.concern_source],
        )
        models.DomainEvidence.objects.bulk_create(
            models.DomainEvidence(domain=domain, evidence_type=evidence[code], position=i)
            for i, code in enumerate(d.evidence)
        )
        models.Theme.objects.bulk_create(
            models.Theme(domain=domain, position=i, title=t.title, text=t.text, source=sources[t.source])
            for i, t in enumerate(d.themes)
        )
        models.KeyPoint.objects.bulk_create(
            models.KeyPoint(domain=domain, position=i, text=k.text, source=sources[k.source])
            for i, k in enumerate(d.key_points)
        )
        models.Item.objects.bulk_create(
            models.Item(
                framework=framework,
                domain=domain,
                code=item.code,
                tier=item.tier,
                text=item.text,
                source=sources[item.source],
                position=i,
            )
            for i, item in enumerate(d.items)
        )
        models.SurveyStatement.objects.bulk_create(
            models.SurveyStatement(domain=domain, code=s.code, text=s.text, position=i)
            for i, s in enumerate(d.survey_statements)
        )
    return framework


def _relative(filename: str) -> str:
    if not filename:
        return ""
    try:
        return str(Path(filename).resolve().relative_to(settings.BASE_DIR))
    except ValueError:
        return filename


def builtin_framework_files() -> list[Path]:
    return sorted(Path(settings.FRAMEWORKS_DIR).glob("*.yaml"))


def framework_export(*, framework: models.Framework) -> dict:
    """The framework as the documented export/API JSON: the stored document, domains in number order."""
    spec = framework.spec
    sources = {s.id: s for s in spec.sources}
    evidence_titles = {e.code: e.title for e in spec.evidence_types}
    return {
        "slug": spec.slug,
        "title": spec.title,
        "version": spec.version,
        "summary": spec.summary,
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in sources.values()],
        "scale": [p.model_dump(mode="json") for p in spec.scale],
        "allow_not_applicable": spec.allow_not_applicable,
        "rules": spec.rules.model_dump(mode="json"),
        "evidence_types": [e.model_dump(mode="json") for e in spec.evidence_types],
        "domains": [
            {
                "number": d.number,
                "title": d.title,
                "short_title": d.short_title,
                "concern": d.concern,
                "description": d.description,
                "themes": [t.model_dump(mode="json") for t in d.themes],
                "key_points": [k.text for k in d.key_points],
                "evidence": [evidence_titles[code] for code in d.evidence],
                "evidence_codes": list(d.evidence),
                "items": [i.model_dump(mode="json") for i in d.items],
                "survey_statements": [s.model_dump(mode="json") for s in d.survey_statements],
            }
            for d in sorted(spec.domains, key=lambda d: d.number)
        ],
    }
