"""Upload checking judges a file by its content, not its name."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assure.evidence.filetypes import UploadRejected, check_upload, sniff

MB = 1024 * 1024


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
SAMPLES = {
    "plan.pdf": b"%PDF-1.7\n1 0 obj\n",
    "constitution.docx": DOCX,
    "finance.xlsx": XLSX,
    "minutes.odt": ODT,
    "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    "list.csv": "name,role\nÁine Murphy,Chair\n".encode(),
    "chart.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
    "photo.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 20,
}


def _check(name: str, data: bytes, limit: int = 20 * MB):
    return check_upload(name, io.BytesIO(data), len(data), limit)


@pytest.mark.parametrize(("name", "data"), SAMPLES.items())
def test_real_documents_are_accepted(name, data):
    assert _check(name, data).extensions


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "virus.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00binary",
            "The file’s content is not a PDF file, although its name ends .pdf",
        ),
        ("sheet.xlsx", DOCX, "not a Excel file"),
        ("plan.docx", b"%PDF-1.4\n", "not a Word file"),
        ("script.exe", b"MZ\x90\x00", "must be one of these types"),
        ("page.html", b"<html><script>alert(1)</script></html>", "must be one of these types"),
        ("empty.pdf", b"", "The selected file is empty."),
        ("../../etc/passwd.pdf", b"%PDF-1.4", "must not contain folders"),
        ("..\\evil.pdf", b"%PDF-1.4", "must not contain folders"),
        (".hidden.pdf", b"%PDF-1.4", "must not contain folders or start with a dot"),
        ("noextension", b"%PDF-1.4", "must be one of these types"),
        ("binary.csv", b"a,b\n\x00\x01\x02", "not a CSV file"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a Word file"),
    ],
)
def test_disguised_empty_and_path_tricking_files_are_refused(name, data, message):
    with pytest.raises(UploadRejected) as refused:
        _check(name, data)
    assert message in str(refused.value)


def test_oversized_files_are_refused_before_reading():
    with pytest.raises(UploadRejected, match="must be smaller than 20 MB"):
        check_upload("big.pdf", io.BytesIO(b"%PDF-"), 20 * MB + 1, 20 * MB)


@given(
    st.binary(max_size=600),
    st.sampled_from(["x.pdf", "x.docx", "x.csv", "x.png", "x.odt", "x.xlsx", "x.exe"]),
)
def test_any_bytes_are_either_accepted_as_their_kind_or_refused_cleanly(data, name):
    try:
        kind = _check(name, data)
    except UploadRejected as refused:
        assert str(refused)
    else:
        assert name.rsplit(".", 1)[1] in kind.extensions
        assert sniff(data[:4096], io.BytesIO(data)) is not None
