"""The good practice library: the public list and search, an example's page, and submitting and moderating."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assure.core import permissions
from assure.core.downloads import file_download
from assure.core.views import login_required_get
from assure.evidence.filetypes import UploadRejected
from assure.frameworks.models import Domain, Theme
from assure.organisations.models import Organisation

from . import exports, services
from .forms import AttachmentForm, ExampleForm, ModerationForm, SearchForm
from .models import Attachment, Example
from .search import Filters, search_examples

PAGE_SIZE = 20
EXPORT_LIMIT = 5000


def _library_crumbs(*extra) -> list[tuple[str, str]]:
    return [
        ("Home", reverse("core:home")),
        ("Good practice library", reverse("goodpractice:library")),
        *extra,
    ]


def _tag_choices() -> tuple[list[Domain], list[Theme]]:
    """Domains and themes of the frameworks that published examples are tagged from (one of each per number)."""
    published = Example.objects.visible_to(None)  # what anyone, signed in or not, may see: the published ones
    frameworks = published.values("framework").distinct()
    domains: dict[int, Domain] = {}
    for domain in Domain.objects.filter(framework__in=frameworks).order_by(
        "number", "-framework__imported_at"
    ):
        domains.setdefault(domain.number, domain)
    themes: dict[tuple[int, int], Theme] = {}
    for theme in (
        Theme.objects.filter(domain__framework__in=frameworks)
        .select_related("domain")
        .order_by("domain__number", "position", "-domain__framework__imported_at")
    ):
        themes.setdefault((theme.domain.number, theme.position), theme)
    return list(domains.values()), list(themes.values())


def _search(request) -> tuple[SearchForm, str, Filters]:
    domains, themes = _tag_choices()
    form = SearchForm(request.GET, domains=domains, themes=themes)
    form.is_valid()  # an unknown filter value is ignored rather than refused
    data = form.cleaned_data
    theme = None
    if data.get("theme"):
        number, position = data["theme"].split(".")
        theme = (int(number), int(position))
    filters = Filters(
        domain=data.get("domain"), theme=theme, organisation_type=data.get("organisation_type") or None
    )
    return form, data.get("q", "") or "", filters


def _with_tags(examples):
    return examples.select_related("organisation__type").prefetch_related(
        Prefetch("domains", queryset=Domain.objects.order_by("number"))
    )


@require_GET
def library(request):
    """Published examples, for everyone: search by words, filter by domain, theme and organisation type."""
    form, query, filters = _search(request)
    examples = _with_tags(search_examples(query=query, filters=filters))
    page = Paginator(examples, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "query": query,
        "page": page,
        "params": params.urlencode(),
        "filtered": bool(query.strip()) or filters != Filters(),
        "crumbs": [("Home", reverse("core:home"))],
        "can_submit": bool(permissions.good_practice_organisation_ids(request.user)),
        "is_moderator": permissions.is_good_practice_moderator(request.user),
    }
    if request.htmx:
        return render(request, "goodpractice/results.html", context)
    return render(request, "goodpractice/library.html", context)


def _export_rows(request) -> list[dict[str, str]]:
    _, query, filters = _search(request)
    examples = search_examples(query=query, filters=filters)[:EXPORT_LIMIT]
    examples = examples.select_related("organisation__type").prefetch_related(
        "domains", Prefetch("themes", queryset=Theme.objects.order_by("domain__number", "position")), "items"
    )
    return exports.table(
        examples,
        site_url=settings.SITE_URL,
        path_for=lambda e: reverse("goodpractice:detail", args=[e.public_id]),
    )


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = f"good-practice-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
def export_csv(request):
    return _download(exports.to_csv(_export_rows(request)), "text/csv; charset=utf-8", "csv")


@require_GET
def export_xlsx(request):
    return _download(exports.to_xlsx(_export_rows(request)), exports.XLSX_CONTENT_TYPE, "xlsx")


def _example(request, public_id) -> Example:
    return get_object_or_404(
        Example.objects.visible_to(request.user).select_related(
            "organisation__type", "organisation__region", "framework", "moderated_by", "created_by"
        ),
        public_id=public_id,
    )


@require_GET
def detail(request, public_id):
    example = _example(request, public_id)
    is_member = permissions.can_submit_good_practice(request.user, example.organisation_id)
    moderator = permissions.can_moderate_example(request.user, example)
    can_moderate = moderator and example.status in (Example.Status.SUBMITTED, Example.Status.PUBLISHED)
    return render(
        request,
        "goodpractice/detail.html",
        {
            "example": example,
            "domains": example.domains.order_by("number"),
            "themes": example.themes.select_related("domain").order_by("domain__number", "position"),
            "items": example.items.select_related("domain"),
            "attachments": example.attachments.all(),
            "is_member": is_member,
            "can_edit": permissions.can_edit_example(request.user, example),
            "can_moderate": can_moderate,
            "show_status": is_member or moderator or permissions.is_platform_admin(request.user),
            "crumbs": _library_crumbs(),
        },
    )


def _own_organisations(request) -> list[Organisation]:
    ids = permissions.good_practice_organisation_ids(request.user)
    return list(Organisation.objects.visible_to(request.user).filter(pk__in=ids).order_by("name"))


def _input(form: ExampleForm) -> services.ExampleInput:
    data = form.cleaned_data
    return services.ExampleInput(
        title=data["title"],
        summary=data["summary"],
        what_we_did=data["what_we_did"],
        results=data["results"],
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        domains=list(data["domains"]),
        themes=list(data["themes"]),
        items=list(data["items"]),
    )


def _add_errors(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def create(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    organisations = _own_organisations(request)
    if not organisations:
        raise Http404("Only people of a CCG or an HWB can share good practice")
    framework = services.framework_for(request.user)
    initial = {"contact_name": request.user.get_full_name(), "contact_email": request.user.email}
    form = ExampleForm(
        request.POST or None, framework=framework, organisations=organisations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        by_code = {o.code: o for o in organisations}
        organisation = by_code.get(form.cleaned_data.get("organisation")) or organisations[0]
        try:
            example = services.example_create(
                organisation=organisation, framework=framework, user=request.user, data=_input(form)
            )
        except services.ExampleInvalid as exc:
            _add_errors(form, exc.errors)
        else:
            messages.success(
                request,
                "Your example has been saved as a draft. Add any files, then submit it for moderation.",
            )
            return redirect("goodpractice:detail", example.public_id)
    return render(
        request,
        "goodpractice/form.html",
        {
            "form": form,
            "example": None,
            "crumbs": _library_crumbs(("Your examples", reverse("goodpractice:yours"))),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    example = _example(request, public_id)
    if not permissions.can_submit_good_practice(request.user, example.organisation_id):
        raise Http404("Not your example")
    if not example.is_editable:
        messages.error(
            request, "This example is with the moderator or published, so it cannot be changed now."
        )
        return redirect("goodpractice:detail", example.public_id)
    initial = {
        "title": example.title,
        "summary": example.summary,
        "what_we_did": example.what_we_did,
        "results": example.results,
        "contact_name": example.contact_name,
        "contact_email": example.contact_email,
        "domains": list(example.domains.all()),
        "themes": list(example.themes.all()),
        "items": list(example.items.all()),
    }
    form = ExampleForm(request.POST or None, framework=example.framework, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.example_update(example=example, user=request.user, data=_input(form))
        except services.ExampleInvalid as exc:
            _add_errors(form, exc.errors)
        except services.InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect("goodpractice:detail", example.public_id)
        else:
            messages.success(request, "Your changes have been saved.")
            return redirect("goodpractice:detail", example.public_id)
    return render(
        request,
        "goodpractice/form.html",
        {
            "form": form,
            "example": example,
            "crumbs": _library_crumbs(
                (example.title, reverse("goodpractice:detail", args=[example.public_id]))
            ),
        },
    )


@require_POST
def submit(request, public_id):
    if not request.user.is_authenticated:
        return redirect(reverse("accounts:login"))
    example = _example(request, public_id)
    if not permissions.can_submit_good_practice(request.user, example.organisation_id):
        raise Http404("Not your example")
    try:
        services.example_submit(example=example, user=request.user)
    except services.InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Your example has been sent to the moderator. We will email you their decision."
        )
    return redirect("goodpractice:detail", example.public_id)


@require_http_methods(["GET", "POST"])
def moderate(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    example = _example(request, public_id)
    if not permissions.can_moderate_example(request.user, example):
        raise Http404("Not allowed")
    form = ModerationForm(request.POST or None)
    if example.status == Example.Status.PUBLISHED:  # a published example can only be taken down
        form.fields["decision"].choices = [
            (value, label) for value, label in form.fields["decision"].choices if value != "approve"
        ]
    if request.method == "POST" and form.is_valid():
        try:
            services.example_moderate(
                example=example,
                user=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except services.ExampleInvalid as exc:
            _add_errors(form, exc.errors)
        except (services.InvalidTransition, PermissionDenied) as exc:
            messages.error(request, str(exc))
            return redirect("goodpractice:detail", example.public_id)
        else:
            messages.success(request, f"“{example.title}” is now {example.get_status_display().lower()}.")
            return redirect("goodpractice:moderation")
    return render(
        request,
        "goodpractice/moderate.html",
        {
            "example": example,
            "form": form,
            "crumbs": _library_crumbs(
                ("Moderation", reverse("goodpractice:moderation")),
                (example.title, reverse("goodpractice:detail", args=[example.public_id])),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def add_attachment(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    example = _example(request, public_id)
    if not permissions.can_submit_good_practice(request.user, example.organisation_id):
        raise Http404("Not your example")
    if not permissions.can_edit_example(request.user, example):
        messages.error(request, "Files can be added only while the example is a draft or being changed.")
        return redirect("goodpractice:detail", example.public_id)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.attachment_add(
                example=example, user=request.user, upload=form.cleaned_data["file"]
            )
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        except services.InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect("goodpractice:detail", example.public_id)
        else:
            messages.success(request, f"“{attachment.original_name}” has been attached.")
            return redirect("goodpractice:detail", example.public_id)
    return render(
        request,
        "goodpractice/attachment_add.html",
        {
            "example": example,
            "form": form,
            "crumbs": _library_crumbs(
                (example.title, reverse("goodpractice:detail", args=[example.public_id]))
            ),
        },
    )


def _attachment(request, public_id) -> Attachment:
    return get_object_or_404(
        Attachment.objects.visible_to(request.user).select_related("example"), public_id=public_id
    )


@require_POST
def delete_attachment(request, public_id):
    if not request.user.is_authenticated:
        return redirect(reverse("accounts:login"))
    attachment = _attachment(request, public_id)
    example = attachment.example
    if not permissions.can_submit_good_practice(request.user, example.organisation_id):
        raise Http404("Not your example")
    try:
        services.attachment_delete(attachment=attachment, user=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{attachment.original_name}” has been removed.")
    return redirect("goodpractice:detail", example.public_id)


@require_GET
def download(request, public_id):
    attachment = _attachment(request, public_id)
    return file_download(
        attachment.file,
        name=attachment.original_name or "attachment",
        content_type=attachment.content_type,
        private=not attachment.example.is_published,
    )


@login_required_get
def yours(request):
    """The examples of the person's own CCGs and HWBs, whatever their state."""
    organisations = _own_organisations(request)
    if not organisations:
        raise Http404("Only people of a CCG or an HWB share good practice")
    examples = (
        Example.objects.visible_to(request.user)
        .filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("-updated_at")
    )
    return render(
        request,
        "goodpractice/yours.html",
        {"examples": examples, "organisations": organisations, "crumbs": _library_crumbs()},
    )


@login_required_get
def moderation(request):
    """For moderators: examples awaiting a decision, and those sent back for changes."""
    if not permissions.is_good_practice_moderator(request.user):
        raise Http404("Not a moderator")
    examples = list(
        Example.objects.visible_to(request.user)
        .filter(status__in=[Example.Status.SUBMITTED, Example.Status.CHANGES_REQUESTED])
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )
    if not permissions.is_platform_admin(request.user):
        regions = permissions.moderated_region_ids(request.user)
        examples = [e for e in examples if e.organisation.region_id in regions]
    return render(
        request,
        "goodpractice/moderation.html",
        {
            "awaiting": [e for e in examples if e.status == Example.Status.SUBMITTED],
            "changes": [e for e in examples if e.status == Example.Status.CHANGES_REQUESTED],
            "crumbs": _library_crumbs(),
        },
    )
