"""Organisations, how they relate, and people's roles in them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from assure.core.models import PublicModel


class OrganisationType(models.Model):
    """Organisation types are data, so a successor framework can bring its own. The codes below are built in."""

    CCG = "ccg"
    HWB = "hwb"
    LOCAL_AUTHORITY = "local_authority"
    GP_PRACTICE = "gp_practice"
    PROVIDER = "provider"
    PATIENT_GROUP = "patient_group"
    COMMISSIONING_SUPPORT = "commissioning_support"
    REGION = "region"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    plural = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def of_type(self, code: str) -> OrganisationQuerySet:
        return self.filter(type__code=code)

    def visible_to(self, user) -> OrganisationQuerySet:
        from assure.core import permissions

        return permissions.visible_organisations(user, self)


class Organisation(PublicModel):
    code = models.CharField(
        max_length=20,
        unique=True,
        help_text="ODS-style code, e.g. 07R for a CCG or F83001 for a GP practice.",
    )
    name = models.CharField(max_length=200)
    type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT, related_name="organisations")
    region = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="region_members",
        limit_choices_to={"type__code": OrganisationType.REGION},
        help_text="The NHS Commissioning Board region the organisation belongs to.",
    )
    active = models.BooleanField(default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.region_id and self.region.type.code != OrganisationType.REGION:
            raise ValidationError({"region": "Choose an organisation of type region."})

    @property
    def type_code(self) -> str:
        return self.type.code


class Relation(models.Model):
    """A typed link between two organisations (subject → object)."""

    class Kind(models.TextChoices):
        MEMBER_PRACTICE = "member_practice", "CCG member practice"
        HWB_PARTNER = "hwb_partner", "CCG partners with HWB"
        HWB_LOCAL_AUTHORITY = "hwb_local_authority", "HWB of local authority"
        COMMISSIONING_SUPPORT = "commissioning_support", "CCG commissioning support"

    # (subject type, object type) for each kind.
    SHAPES = {
        Kind.MEMBER_PRACTICE: (OrganisationType.CCG, OrganisationType.GP_PRACTICE),
        Kind.HWB_PARTNER: (OrganisationType.CCG, OrganisationType.HWB),
        Kind.HWB_LOCAL_AUTHORITY: (OrganisationType.HWB, OrganisationType.LOCAL_AUTHORITY),
        Kind.COMMISSIONING_SUPPORT: (OrganisationType.CCG, OrganisationType.COMMISSIONING_SUPPORT),
    }

    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_out")
    object = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_in")
    coterminous = models.BooleanField(
        default=False, help_text="For CCG–HWB partnerships: the CCG and HWB boundaries are the same."
    )

    class Meta:
        ordering = ["kind", "subject__name", "object__name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "object"], name="relation_unique"),
            models.CheckConstraint(condition=~models.Q(subject=models.F("object")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name} → {self.object.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        expected = self.SHAPES.get(self.kind)
        if not expected or not self.subject_id or not self.object_id:
            return
        subject_type, object_type = expected
        errors = {}
        if self.subject.type.code != subject_type:
            errors["subject"] = (
                f"For “{self.get_kind_display()}” the first organisation must be a {subject_type}."
            )
        if self.object.type.code != object_type:
            errors["object"] = (
                f"For “{self.get_kind_display()}” the second organisation must be a {object_type}."
            )
        if self.coterminous and self.kind != self.Kind.HWB_PARTNER:
            errors["coterminous"] = "Only a CCG–HWB partnership can be co-terminous."
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    REGIONAL_LEAD = "regional_lead", "Regional lead"
    ASSESSOR = "assessor", "Assessor"
    CCG_LEAD = "ccg_lead", "CCG lead"
    CCG_CONTRIBUTOR = "ccg_contributor", "CCG contributor"
    HWB_LEAD = "hwb_lead", "HWB lead"
    HWB_MEMBER = "hwb_member", "HWB member"


# Which organisation types each role may be held in.
ROLE_ORGANISATION_TYPES = {
    Role.REGIONAL_LEAD: {OrganisationType.REGION},
    Role.ASSESSOR: {OrganisationType.REGION},
    Role.CCG_LEAD: {OrganisationType.CCG},
    Role.CCG_CONTRIBUTOR: {OrganisationType.CCG},
    Role.HWB_LEAD: {OrganisationType.HWB},
    Role.HWB_MEMBER: {OrganisationType.HWB},
}


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation.name}"

    def clean(self) -> None:
        allowed = ROLE_ORGANISATION_TYPES.get(self.role)
        if allowed and self.organisation_id and self.organisation.type.code not in allowed:
            kinds = " or ".join(sorted(allowed))
            raise ValidationError(
                {"role": f"A {self.get_role_display()} must belong to a {kinds} organisation."}
            )
