"""The export helper: CSV and XLSX from rows and columns, ISO dates, no formulas smuggled in."""

from __future__ import annotations

import csv
import datetime
import io

from openpyxl import load_workbook

from assure.reports.exports import Column, Sheet, csv_bytes, export_response, xlsx_bytes

ROWS = [
    {"title": "Constitution", "date": datetime.date(2012, 5, 1), "linked": True, "count": 3},
    {"title": '=HYPERLINK("http://example.com")', "date": None, "linked": False, "count": 0},
]
COLUMNS = [
    Column("title", "Title"),
    Column("date", "Document date"),
    Column("linked", "Linked"),
    Column("count", "Count"),
    Column("upper", "Shout", lambda r: r["title"].upper()),
]


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_has_the_headers_iso_dates_and_yes_no():
    rows = read_csv(csv_bytes(ROWS, COLUMNS))

    assert rows[0] == ["Title", "Document date", "Linked", "Count", "Shout"]
    assert rows[1] == ["Constitution", "2012-05-01", "Yes", "3", "CONSTITUTION"]
    assert rows[2][1:4] == ["", "No", "0"]


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised():
    rows = read_csv(csv_bytes(ROWS, COLUMNS))
    assert rows[2][0].startswith("'=")

    ws = load_workbook(io.BytesIO(xlsx_bytes([Sheet("Evidence", COLUMNS, ROWS)])))["Evidence"]
    assert ws["A3"].value.startswith("'=")
    assert ws["A3"].data_type == "s"


def test_xlsx_has_real_dates_shown_as_iso():
    ws = load_workbook(io.BytesIO(xlsx_bytes([Sheet("Evidence", COLUMNS, ROWS)])))["Evidence"]

    assert [c.value for c in ws[1]] == ["Title", "Document date", "Linked", "Count", "Shout"]
    assert ws["B2"].value == datetime.datetime(2012, 5, 1)
    assert ws["B2"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "A2"


def test_columns_read_attributes_of_objects_through_dots():
    class Thing:
        class kind:
            title = "Plan"

    assert Column("k", "Kind", "kind.title").get(Thing()) == "Plan"
    assert Column("k", "Kind", "missing.title").get(Thing()) is None


def test_responses_are_downloads_with_safe_names():
    response = export_response(ROWS, COLUMNS, filename="Camden / evidence: 2012", fmt="csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="camden-evidence-2012.csv"'
    assert response["Cache-Control"] == "private, no-store"
    xlsx = export_response(ROWS, COLUMNS, filename="x", fmt="xlsx")
    assert xlsx["Content-Disposition"].endswith('x.xlsx"')


def test_sheet_titles_are_made_valid_and_unique():
    content = xlsx_bytes(
        [Sheet("A: very/long [title] that Excel would refuse", COLUMNS, []), Sheet("a", [], [])]
    )
    names = load_workbook(io.BytesIO(content)).sheetnames
    assert len(names) == 2
    assert all(len(n) <= 31 and ":" not in n and "/" not in n for n in names)
