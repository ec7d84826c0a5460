"""A framework version and its content, stored as rows so later work (ratings, evidence, surveys) can point at it.

The validated document is also kept whole so export reproduces exactly what was imported. It is some 60 KB of JSON,
so it has a table of its own (`ImportedDocument`): no query that reads a framework, alone or beside a cycle, a
self-assessment or a review, carries it. It is read only to be parsed, once per process (`Framework.spec`).
"""

from __future__ import annotations

from functools import cached_property

from django.db import models

from assure.core.models import PublicModel

from .schema import Framework as FrameworkSpec

# Validated framework documents by (primary key, content hash); see Framework.spec.
_PARSED: dict[tuple[int, str], FrameworkSpec] = {}


class FrameworkQuerySet(models.QuerySet):
    def latest_versions(self) -> FrameworkQuerySet:
        """The newest imported version of each slug."""
        newest = self.filter(slug=models.OuterRef("slug")).order_by("-imported_at", "-pk").values("pk")[:1]
        return self.filter(pk=models.Subquery(newest))


class Framework(PublicModel):
    slug = models.SlugField(max_length=80)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    summary = models.TextField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the validated content.")
    source_path = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField()

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_slug_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @cached_property
    def spec(self) -> FrameworkSpec:
        """The validated document. Parsed once per process and version: an imported version's content never
        changes (its hash names it), and parsing it was a large part of every page that shows ratings. The
        document as imported is read (one query) only in a process that has not parsed this version yet."""
        key = (self.pk, self.content_hash)
        spec = _PARSED.get(key)
        if spec is None:
            document = ImportedDocument.objects.values_list("document", flat=True).get(framework=self.pk)
            spec = _PARSED[key] = FrameworkSpec.model_validate(document)
        return spec

    @property
    def scale(self):
        return self.spec.scale

    @property
    def rules(self):
        return self.spec.rules

    @property
    def sources(self):
        return self.spec.sources


class ImportedDocument(models.Model):
    """A framework version's validated document, whole, as imported: what `Framework.spec` parses and the export
    reproduces. Written once with its framework (`services.framework_save`) and never changed."""

    framework = models.OneToOneField(
        Framework, on_delete=models.CASCADE, primary_key=True, related_name="imported"
    )
    document = models.JSONField(help_text="The validated framework document as imported.")

    def __str__(self) -> str:
        return f"The document of {self.framework_id}"


class Source(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="source_documents")
    key = models.CharField(max_length=80)
    title = models.CharField(max_length=400)
    publisher = models.CharField(max_length=300, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["framework", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "key"], name="source_key_unique")]

    def __str__(self) -> str:
        return self.title


class EvidenceType(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="evidence_types")
    code = models.CharField(max_length=80)
    title = models.CharField(max_length=400)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="evidence_type_code_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    short_title = models.CharField(max_length=40)
    description = models.TextField()
    description_source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    concern = models.TextField()
    concern_source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    evidence_types = models.ManyToManyField(EvidenceType, through="DomainEvidence", related_name="domains")

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="domain_number_unique")]

    def __str__(self) -> str:
        return f"Domain {self.number}: {self.short_title}"


class DomainEvidence(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE)
    evidence_type = models.ForeignKey(EvidenceType, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["domain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "evidence_type"], name="domain_evidence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.domain} expects {self.evidence_type}"


class Theme(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveIntegerField()
    title = models.TextField()
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["domain", "position"]

    def __str__(self) -> str:
        return self.title


class KeyPoint(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="key_points")
    position = models.PositiveIntegerField()
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["domain", "position"]

    def __str__(self) -> str:
        return self.text


class Item(models.Model):
    class Tier(models.TextChoices):
        BASICS = "basics", "Build the basics"
        FUTURE = "future", "Develop together for the future"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=40)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["domain__number", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class SurveyStatement(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="survey_statements")
    code = models.CharField(max_length=40)
    text = models.TextField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["domain", "position"]

    def __str__(self) -> str:
        return self.text
