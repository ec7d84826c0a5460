import json

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html

from .loader import FrameworkFileError
from .models import Framework
from .services import framework_import


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file (YAML)", help_text="The whole file is checked before anything is saved."
    )


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Frameworks are imported from files, never edited field by field, so what is stored is always valid."""

    list_display = ["title", "slug", "version", "imported_at", "source_path"]
    search_fields = ["title", "slug"]
    readonly_fields = [
        "slug",
        "version",
        "title",
        "summary",
        "content_hash",
        "source_path",
        "imported_at",
        "document",
    ]
    exclude = []
    change_list_template = "admin/frameworks/framework/change_list.html"

    @admin.display(description="Document as imported")
    def document(self, framework: Framework) -> str:
        document = framework.imported.document
        return format_html("<pre>{}</pre>", json.dumps(document, indent=2, ensure_ascii=False))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="frameworks_framework_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        form = FrameworkUploadForm(request.POST or None, request.FILES or None)
        problems = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read().decode("utf-8")
                result = framework_import(text=text, filename=upload.name)
            except UnicodeDecodeError:
                form.add_error("file", "The file is not UTF-8 text.")
            except FrameworkFileError as exc:
                problems = exc.problems
            else:
                messages.success(request, f"Imported {result}.")
                return redirect("admin:frameworks_framework_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "problems": problems,
            "title": "Import a framework",
        }
        return render(request, "admin/frameworks/framework/import.html", context)
