"""The public list of good practice as CSV and as an Excel workbook.

`table` turns examples into plain rows; `to_csv` and `to_xlsx` write them and have no database access, so the
cell-safety rules can be tested on their own. Only what the public page shows is exported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    ("id", "ID", 38),
    ("title", "Title", 40),
    ("organisation_code", "Organisation code", 12),
    ("organisation", "Organisation", 32),
    ("organisation_type", "Organisation type", 24),
    ("summary", "Summary", 50),
    ("what_we_did", "What they did", 60),
    ("results", "Results", 60),
    ("contact_name", "Contact name", 24),
    ("contact_email", "Contact email", 28),
    ("domains", "Domains", 16),
    ("themes", "Themes", 40),
    ("items", "Items", 24),
    ("published", "Published", 12),
    ("url", "Web page", 50),
]
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text for a CSV cell that no spreadsheet will run as a formula: a leading apostrophe disarms it."""
    text = "" if value is None else str(value)
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def table(examples: Iterable, *, site_url: str, path_for) -> list[dict[str, str]]:
    """One row per example (with organisation, domains, themes and items prefetched), in the given order."""
    rows = []
    for example in examples:
        rows.append(
            {
                "id": str(example.public_id),
                "title": example.title,
                "organisation_code": example.organisation.code,
                "organisation": example.organisation.name,
                "organisation_type": example.organisation.type.name,
                "summary": example.summary,
                "what_we_did": example.what_we_did,
                "results": example.results,
                "contact_name": example.contact_name,
                "contact_email": example.contact_email,
                "domains": "; ".join(
                    str(d.number) for d in sorted(example.domains.all(), key=lambda d: d.number)
                ),
                "themes": "; ".join(t.title for t in example.themes.all()),
                "items": "; ".join(i.code for i in example.items.all()),
                "published": example.published_at.date().isoformat() if example.published_at else "",
                "url": site_url + path_for(example),
            }
        )
    return rows


def to_csv(rows: Sequence[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label, _ in COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(row[key]) for key, _, _ in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read it as UTF-8


def to_xlsx(rows: Sequence[dict[str, str]], *, title: str = "Good practice") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([label for _, label, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", row[key] or "") for key, _, _ in COLUMNS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula: keep it as the text it is
                cell.data_type = "s"
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
