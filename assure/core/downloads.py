"""Uploaded files (evidence, good practice attachments) served as downloads, by the pages and by the API alike."""

from __future__ import annotations

from django.http import FileResponse, Http404

from assure.evidence.filetypes import KINDS

# What an uploaded file's download may be, for the API's OpenAPI document: the checked kinds, and the fallback.
CONTENT_TYPES = sorted({kind.content_type for kind in KINDS.values()} | {"application/octet-stream"})
# An API download's `openapi_extra`: its 200 is one of those files.
FILE_RESPONSE = {"responses": {200: {"description": "The file", "content": {t: {} for t in CONTENT_TYPES}}}}


def file_download(file, *, name: str, content_type: str, private: bool) -> FileResponse:
    """The stored `file` as an attachment named `name`, never rendered by the browser (no sniffing, a sandboxing
    Content-Security-Policy). `private`: not to be kept by shared caches (a draft's file, evidence). Http404 when
    the file is missing from storage."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
