"""Turning what a page shows into a CSV or XLSX download: one helper for every list and table.

A view builds its rows exactly as it does for the page (so the same scoping and anonymity rules apply), then,
when asked for a download, hands them here with the columns it wants:

    columns = [Column("title", "Title"), Column("document_date", "Document date")]
    return export_response(rows, columns, filename="camden-evidence", fmt="csv")

Rows are mappings or objects; a column's `value` is a key/attribute name or a function of the row. Dates and
times are written as ISO 8601 (in the CSV as text, in the workbook as date cells shown as yyyy-mm-dd). Text that a
spreadsheet would run as a formula (starting =, +, - or @) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: str | Callable[[Any], Any] | None = None  # defaults to `key`
    width: int | None = None

    def get(self, row: Any) -> Any:
        source = self.value if self.value is not None else self.key
        if callable(source):
            return source(row)
        if isinstance(row, Mapping):
            return row.get(source)
        value = row
        for part in source.split("."):
            value = getattr(value, part, None) if value is not None else None
        return value


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def cell_text(value: Any) -> str:
    """A value as CSV text: ISO dates, yes/no for booleans, blank for None, formula characters neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if value.tzinfo else value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if FORMULA_START.match(text) else text


def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write the local time the page shows.
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, datetime.date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if FORMULA_START.match(text) else text


def csv_bytes(rows: Iterable[Any], columns: Sequence[Column]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([cell_text(c.get(row)) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _safe_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_safe_title(sheet.title, used))
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [len(c.header) for c in sheet.columns]
        for row in sheet.rows:
            values = [_cell_value(c.get(row)) for c in sheet.columns]
            ws.append(values)
            for i, value in enumerate(values):
                widths[i] = max(widths[i], len(str(value)) if value is not None else 0)
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = column.width or min(MAX_WIDTH, widths[index - 1] + 2)
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, datetime.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(
    rows: Iterable[Any], columns: Sequence[Column], *, filename: str, fmt: str, sheet: str | None = None
) -> HttpResponse:
    """The rows as a CSV or XLSX download named `filename` (without extension, made safe here)."""
    name = slugify(filename) or "export"
    if fmt == "csv":
        return download(csv_bytes(rows, columns), filename=f"{name}.csv", content_type=CSV)
    if fmt == "xlsx":
        content = xlsx_bytes([Sheet(sheet or filename, columns, rows)])
        return download(content, filename=f"{name}.xlsx", content_type=XLSX)
    raise Http404("Unknown export format")


def workbook_response(sheets: Sequence[Sheet], *, filename: str) -> HttpResponse:
    name = slugify(filename) or "export"
    return download(xlsx_bytes(sheets), filename=f"{name}.xlsx", content_type=XLSX)
