"""Shared by the survey pages: fetching a survey within the person's scope, and breadcrumbs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from assure.core import permissions

from ..models import Survey


def get_survey(request, public_id) -> Survey:
    """A survey the person may see, or 404: other organisations' surveys are not revealed."""
    return get_object_or_404(
        Survey.objects.visible_to(request.user).select_related("cycle__framework", "organisation__region"),
        public_id=public_id,
    )


def get_managed_survey(request, public_id) -> Survey:
    """A survey the person runs; 404 outside their scope, 403 for those who may only read it."""
    survey = get_survey(request, public_id)
    if not permissions.can_manage_survey(request.user, survey.organisation):
        raise PermissionDenied("Only the CCG lead or a regional lead can change this survey.")
    return survey


def crumbs(survey: Survey, *extra) -> list[tuple[str, str]]:
    return [
        ("Home", reverse("core:home")),
        ("360° surveys", reverse("surveys:list")),
        (f"{survey.organisation.name} survey", reverse("surveys:detail", args=[survey.public_id])),
        *extra,
    ]
