"""The stakeholder's pages: the survey, reached by the personal link in their email, without an account.

The link's secret is in the path. Pages here are never cached, are not indexed and send a referrer only to this
site, so the secret does not leak to other sites. Wrong links are counted per address and refused for a while once there
have been too many (guessing is hopeless at 256 bits, but it should also be slow and visible).
"""

from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .. import services
from ..constants import ANSWER_CODES
from ..forms import ResponseForm
from ..models import Survey

BAD_LINK_LIMIT = 20
BAD_LINK_WINDOW = 600  # seconds


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _cache_key(request) -> str:
    return f"surveys:bad-links:{_address(request)}"


def _too_many(request) -> bool:
    return cache.get(_cache_key(request), 0) >= BAD_LINK_LIMIT


def _private(response):
    # "same-origin", not "no-referrer": with no referrer at all, browsers send `Origin: null` with the form and
    # Django's CSRF check (rightly) refuses it. Same-origin keeps the link's secret from other sites.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request):
    response = render(request, "surveys/respond_refused.html", status=429)
    response["Retry-After"] = str(BAD_LINK_WINDOW)
    return _private(response)


def _bad_link(request):
    key = _cache_key(request)
    cache.add(key, 0, BAD_LINK_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, BAD_LINK_WINDOW)
    return _private(render(request, "surveys/respond_invalid.html", status=404))


def _find(request, token):
    """(stakeholder, None) for a good link, else (None, the response to give)."""
    if _too_many(request):
        return None, _refused(request)
    try:
        # Answers that are stored are redirected to the thank-you page: they need no names.
        stakeholder = services.stakeholder_for_link(token, with_names=request.method != "POST")
    except services.LinkInvalid:
        return None, _bad_link(request)
    survey = stakeholder.survey
    status = survey.status
    if status != Survey.Status.OPEN:
        page = render(
            request,
            "surveys/respond_closed.html",
            {"survey": survey, "not_yet": status == Survey.Status.SCHEDULED},
            status=200 if status == Survey.Status.SCHEDULED else 410,
        )
        return None, _private(page)
    return stakeholder, None


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request, token):
    stakeholder, refusal = _find(request, token)
    if refusal is not None:
        return refusal
    survey = stakeholder.survey
    existing = None
    if request.method == "POST":
        form = ResponseForm(request.POST, survey=survey)
        if form.is_valid():
            try:
                services.response_save(
                    token=token, answers=form.answers(), comments=form.comments(), stakeholder=stakeholder
                )
            except services.LinkInvalid:
                return _bad_link(request)
            except services.SurveyStateError:
                return respond(_as_get(request), token)
            except services.SurveyInvalid as exc:
                for field, message in exc.errors.items():
                    name = field if field.startswith("comment-") else f"s-{field}"
                    form.add_error(name if name in form.fields else None, message)
            else:
                return redirect("surveys:respond_done", token)
        existing = services.response_for(survey=survey, token=token)  # only when the page is shown again
    else:
        services.link_opened(stakeholder=stakeholder)
        existing = services.response_for(survey=survey, token=token)
        initial = {}
        if existing is not None:
            initial = {
                f"s-{code}": answer for code, answer in existing.answers.items() if answer in ANSWER_CODES
            }
            initial.update({f"comment-{number}": text for number, text in existing.comments.items()})
        form = ResponseForm(initial=initial, survey=survey)
    page = render(
        request,
        "surveys/respond.html",
        {
            "survey": survey,
            "form": form,
            "domains": form.bound_domains(),
            "answered_before": existing is not None,
            "token": token,
        },
        status=400 if form.errors else 200,
    )
    return _private(page)


def _as_get(request):
    request.method = "GET"
    return request


@never_cache
@require_GET
def respond_done(request, token):
    stakeholder, refusal = _find(request, token)
    if refusal is not None:
        return refusal
    survey = stakeholder.survey
    existing = services.response_for(survey=survey, token=token)
    if existing is None:
        return redirect("surveys:respond", token)
    answered = sum(1 for answer in existing.answers.values() if answer)
    return _private(
        render(
            request,
            "surveys/respond_done.html",
            {
                "survey": survey,
                "answered": answered,
                "total": len(survey.statement_codes),
                "token": token,
            },
        )
    )
