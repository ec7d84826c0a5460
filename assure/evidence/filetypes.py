"""What an uploaded file really is, judged from its content, and whether its name agrees. No Django here.

Allowed: PDF, Word, Excel, PowerPoint (both the OOXML and the older binary formats), OpenDocument text,
spreadsheet and presentation, CSV, and PNG, JPEG, GIF and WebP images.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS = {
    k.code: k
    for k in [
        Kind("pdf", "PDF", ("pdf",), "application/pdf"),
        Kind(
            "docx",
            "Word",
            ("docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Kind("xlsx", "Excel", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Kind(
            "pptx",
            "PowerPoint",
            ("pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        Kind(
            "ole2", "Word, Excel or PowerPoint (97–2003)", ("doc", "xls", "ppt"), "application/octet-stream"
        ),
        Kind("odt", "OpenDocument text", ("odt",), "application/vnd.oasis.opendocument.text"),
        Kind("ods", "OpenDocument spreadsheet", ("ods",), "application/vnd.oasis.opendocument.spreadsheet"),
        Kind("odp", "OpenDocument presentation", ("odp",), "application/vnd.oasis.opendocument.presentation"),
        Kind("csv", "CSV", ("csv",), "text/csv"),
        Kind("png", "PNG image", ("png",), "image/png"),
        Kind("jpeg", "JPEG image", ("jpg", "jpeg"), "image/jpeg"),
        Kind("gif", "GIF image", ("gif",), "image/gif"),
        Kind("webp", "WebP image", ("webp",), "image/webp"),
    ]
}
ALLOWED_EXTENSIONS = sorted({ext for kind in KINDS.values() for ext in kind.extensions})
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OOXML = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


class UploadRejected(ValueError):
    """The file is not one we accept; the message says why, for the person uploading it."""


def sniff(head: bytes, stream: BinaryIO | None = None) -> str | None:
    """The kind code for a file starting with `head` (and readable from `stream` for ZIP formats), or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(OLE2):
        return "ole2"
    if head.startswith(b"PK\x03\x04") and stream is not None:
        return _sniff_zip(stream)
    if _looks_like_csv(head):
        return "csv"
    return None


def _sniff_zip(stream: BinaryIO) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return _ODF.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                for prefix, code in _OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return code
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        stream.seek(0)
    return None


def _looks_like_csv(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # Allow a cut in the middle of a multi-byte character at the end of the sample, and Windows-1252 text.
        try:
            text = head[:-3].decode("utf-8") if len(head) > 3 else ""
        except UnicodeDecodeError:
            text = head.decode("cp1252", errors="strict") if _cp1252_ok(head) else ""
    if not text.strip():
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable / len(text) > 0.98


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def safe_extension(filename: str) -> str:
    """The lower-case extension of a file name, ignoring any folders in it."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def check_upload(filename: str, stream: BinaryIO, size: int, max_bytes: int) -> Kind:
    """Return the file's kind, or raise UploadRejected with a message for the person uploading it."""
    raw_name = filename or ""
    if not raw_name.strip():
        raise UploadRejected("The file has no name.")
    if "/" in raw_name or "\\" in raw_name or raw_name.startswith(".") or "\x00" in raw_name:
        raise UploadRejected(
            "The file name must not contain folders or start with a dot. Rename the file and try again."
        )
    if size <= 0:
        raise UploadRejected("The selected file is empty.")
    if size > max_bytes:
        raise UploadRejected(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB.")
    extension = safe_extension(raw_name)
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(ext.upper() for ext in ALLOWED_EXTENSIONS)
        raise UploadRejected(f"The selected file must be one of these types: {allowed}.")
    stream.seek(0)
    head = stream.read(4096)
    stream.seek(0)
    code = sniff(head, stream)
    kind = KINDS.get(code or "")
    if kind is None or extension not in kind.extensions:
        expected = next(k.label for k in KINDS.values() if extension in k.extensions)
        raise UploadRejected(
            f"The file’s content is not a {expected} file, although its name ends .{extension}. "
            "Upload the real document."
        )
    return kind
