"""The workbook itself: how it is built, how a filled-in one is read back and compared with the items."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assure.assessments import xlsx
from assure.assessments.models import NARRATIVE_MAX_LENGTH
from assure.assessments.xlsx import Base, Current, ExportInfo, ExportItem, Row, ScalePoint, Values

SCALE = (
    ScalePoint(0, "Not yet in place", "Nothing yet."),
    ScalePoint(1, "Emerging", "Started."),
    ScalePoint(2, "In place", "Working."),
    ScalePoint(3, "Embedded", "Routine."),
)
INFO = ExportInfo(
    assessment_id="a-1",
    organisation="NHS Camden CCG",
    organisation_code="07R",
    cycle="London CCG authorisation, wave 3",
    framework_slug="ccg-authorisation-2012",
    framework_version="1",
    exported_at="1 March 2013 10:00",
    narrative_limit=NARRATIVE_MAX_LENGTH,
    allow_not_applicable=True,
    scale=SCALE,
    domains=((1, "Clinical focus"), (2, "Patient engagement")),
)


def values(rating=None, na=False, reason="", narrative="") -> Values:
    return Values.of(rating=rating, not_applicable=na, reason=reason, narrative=narrative)


ITEMS = [
    ExportItem(
        "1.1", 1, "basics", "Clinicians lead.", values(2, narrative="Agreed at the governing body."), 3
    ),
    ExportItem("1.2", 1, "basics", "Plans are clinical.", values(), 0),
    ExportItem("1.10", 1, "future", "Research is used.", values(na=True, reason="Not commissioned here"), 1),
    ExportItem("2.1", 2, "basics", "Patients are heard.", values(1), 2),
]
CODES = [item.code for item in ITEMS]


def catalogue(**changes) -> xlsx.Catalogue:
    """The real item rules (services.item_validate) on a stand-in assessment, so no database is needed."""
    stand_in = SimpleNamespace(
        public_id="a-1",
        framework=SimpleNamespace(spec=SimpleNamespace(scale=SCALE, allow_not_applicable=True)),
    )
    base = xlsx.import_catalogue(stand_in, CODES)
    return xlsx.Catalogue(**{**base.__dict__, **changes})


def current(**overrides) -> dict[str, Current]:
    out = {item.code: Current(item.values, item.version) for item in ITEMS}
    out.update(overrides)
    return out


def exported() -> bytes:
    return xlsx.build_workbook(INFO, ITEMS)


def headers(ws, row=2) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[row] if cell.value}


def edit(data: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    """Change cells by item code and column header, as someone would in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        if not ws.title.startswith("Domain"):
            continue
        columns = headers(ws)
        for row in ws.iter_rows(min_row=3):
            code = row[columns["Code"] - 1].value
            for header, value in changes.get(code, {}).items():
                ws.cell(row=row[0].row, column=columns[header]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ["Code", "Tier", "Item", "Rating", "Not applicable reason", "Narrative"]


def places(problems) -> list[tuple]:
    return [(p.sheet, p.row, p.column) for p in problems]


# Building ---------------------------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_domain_then_the_scale_and_about():
    wb = openpyxl.load_workbook(io.BytesIO(exported()))

    assert wb.sheetnames == ["Domain 1", "Domain 2", "Scale", "About"]
    ws = wb["Domain 1"]
    assert ws["A1"].value.startswith("Domain 1: Clinical focus")
    assert [c.value for c in ws[2]] == [*HEADER, "Version"]
    rows = [[c.value for c in row[:6]] for row in ws.iter_rows(min_row=3)]
    assert rows == [
        ["1.1", "Build the basics", "Clinicians lead.", 2, None, "Agreed at the governing body."],
        ["1.2", "Build the basics", "Plans are clinical.", None, None, None],
        [
            "1.10",
            "Develop together for the future",
            "Research is used.",
            "N/A",
            "Not commissioned here",
            None,
        ],
    ]


def test_the_domain_sheets_are_usable_in_excel():
    ws = openpyxl.load_workbook(io.BytesIO(exported()))["Domain 1"]

    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"0,1,2,3,N/A"'
    assert str(validation.sqref) == "D3:D5"
    assert ws.freeze_panes == "B3"  # the header rows and the Code column stay in view
    assert ws.column_dimensions["C"].width >= 50
    assert ws.column_dimensions["F"].width >= 60
    assert ws["C3"].alignment.wrap_text
    assert ws["F3"].alignment.wrap_text
    assert ws["A3"].font.bold  # the key, kept as text
    assert ws["A3"].number_format == "@"
    assert "Do not change it" in ws["A2"].comment.text
    assert ws.column_dimensions["G"].hidden
    assert ws.protection.sheet is False


def test_the_scale_and_about_sheets():
    wb = openpyxl.load_workbook(io.BytesIO(exported()))

    scale = [[c.value for c in row] for row in wb["Scale"].iter_rows()]
    assert scale[0] == ["Value", "Label", "Description"]
    assert scale[1:5] == [[p.value, p.label, p.description] for p in SCALE]
    assert scale[5][:2] == ["N/A", "Not applicable"]
    about = {row[0].value: row[1].value for row in wb["About"].iter_rows(min_row=3, max_row=8)}
    assert about == {
        "CCG": "NHS Camden CCG (07R)",
        "Cycle": "London CCG authorisation, wave 3",
        "Framework": "ccg-authorisation-2012",
        "Framework version": "1",
        "Exported at": "1 March 2013 10:00",
        "Self-assessment ID": "a-1",
    }
    text = " ".join(str(c.value) for row in wb["About"].iter_rows() for c in row if c.value)
    assert "Do not change the Code column" in text


def test_text_that_looks_like_a_formula_stays_text():
    item = ExportItem("1.1", 1, "basics", "x", values(2, narrative='=HYPERLINK("http://evil","click")'), 0)
    data = xlsx.build_workbook(INFO, [item])

    ws = openpyxl.load_workbook(io.BytesIO(data))["Domain 1"]
    assert ws["F3"].data_type == "s"
    (row,) = xlsx.parse_workbook(data, catalogue()).rows
    assert row.values.narrative == '=HYPERLINK("http://evil","click")'


# Reading ----------------------------------------------------------------------------------------------------


def test_an_untouched_export_reads_back_with_nothing_to_change():
    parsed = xlsx.parse_workbook(exported(), catalogue())

    assert parsed.problems == []
    assert [r.code for r in parsed.rows] == ["1.1", "1.2", "1.10", "2.1"]
    assert parsed.rows[0].base == Base(3, ITEMS[0].values.digest())
    plan = xlsx.plan_import(parsed.rows, current())
    assert (plan.changes, plan.unchanged, plan.problems) == ([], 4, [])


def test_filled_in_rows_become_changes():
    data = edit(
        exported(),
        {
            "1.1": {"Rating": 3},
            "1.2": {"Rating": "N/A", "Not applicable reason": "Not ours", "Narrative": "Line one\nLine two"},
            "1.10": {"Rating": "1", "Not applicable reason": None},
            "2.1": {"Rating": None},
        },
    )

    parsed = xlsx.parse_workbook(data, catalogue())

    assert parsed.problems == []
    plan = xlsx.plan_import(parsed.rows, current())
    assert {c.code: (c.after, c.fields) for c in plan.changes} == {
        "1.1": (values(3, narrative="Agreed at the governing body."), ["rating"]),
        "1.2": (
            values(na=True, reason="Not ours", narrative="Line one\nLine two"),
            ["rating", "reason", "narrative"],
        ),
        "1.10": (values(1), ["rating", "reason"]),
        "2.1": (values(None), ["rating"]),  # a blank rating leaves the item unrated
    }
    assert plan.unchanged == 0


def test_every_problem_is_reported_with_its_sheet_row_and_column():
    too_long = "x" * (NARRATIVE_MAX_LENGTH + 1)
    data = workbook(
        {
            "Domain 1": [
                ["Domain 1: Clinical focus"],
                HEADER,
                ["9.9", "", "", 2, "", ""],  # row 3: unknown code
                ["1.1", "", "", 7, "", ""],  # row 4: outside the scale
                ["1.2", "", "", "high", "", ""],  # row 5: not a number
                ["1.10", "", "", "N/A", "", ""],  # row 6: N/A without a reason
                [],  # row 7: blank, skipped
                ["1.1", "", "", 2, "", ""],  # row 8: 1.1 again
            ],
            "Domain 2": [
                ["Domain 2"],
                HEADER,
                ["2.1", "", "", 2, "Because", too_long],  # row 3: reason without N/A, narrative too long
                [None, "", "", 3, "", ""],  # row 4: a rating with no code
            ],
        }
    )

    parsed = xlsx.parse_workbook(data, catalogue())

    assert parsed.rows == []  # a workbook with problems yields nothing to import
    assert places(parsed.problems) == [
        ("Domain 1", 3, "A (Code)"),
        ("Domain 1", 4, "D (Rating)"),
        ("Domain 1", 5, "D (Rating)"),
        ("Domain 1", 6, "E (Not applicable reason)"),
        ("Domain 1", 8, "A (Code)"),
        ("Domain 2", 3, "E (Not applicable reason)"),
        ("Domain 2", 3, "F (Narrative)"),
        ("Domain 2", 4, "A (Code)"),
    ]
    messages = [p.message for p in parsed.problems]
    assert "There is no item 9.9" in messages[0]
    assert messages[1] == "Choose a rating for 1.1 from 0 to 3"
    assert "must be 0, 1, 2, 3 or N/A, not “high”" in messages[2]
    assert messages[3] == "Give a reason why 1.10 does not apply"
    assert "appears more than once (also on sheet “Domain 1”, row 4)" in messages[4]
    assert "Remove the reason for 2.1" in messages[5]
    assert (
        f"{NARRATIVE_MAX_LENGTH:,} characters or fewer (it has {NARRATIVE_MAX_LENGTH + 1:,})" in messages[6]
    )
    assert "Enter the item code" in messages[7]


def test_moved_columns_blank_rows_other_sheets_and_codes_on_another_domains_sheet_are_fine():
    data = workbook(
        {
            "Notes": [["Our working notes"], ["Code", "Thoughts"], ["1.1", "ask the chair"]],
            "Domain 1": [
                ["A title"],
                ["Some words under the title"],
                [],
                ["Narrative", "Rating", "Code", "Not applicable reason"],  # row 4: the header, reordered
                ["New words", 3, "1.1", None],
                [None, None, None, None],
                ["  ", None, None, None],
                [None, "2", "2.1", None],  # a domain 2 item on domain 1's sheet: its code decides
            ],
            "Scale": [["Value", "Label"], [0, "Not yet"]],
        }
    )

    parsed = xlsx.parse_workbook(data, catalogue())

    assert parsed.problems == []
    assert [(r.code, r.sheet, r.row, r.values) for r in parsed.rows] == [
        ("1.1", "Domain 1", 5, values(3, narrative="New words")),
        ("2.1", "Domain 1", 8, values(2)),
    ]


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [
        ([["Title"], ["Item", "Rating", "Narrative"], ["x", 1, ""]], ("Domain 1", None, "Code")),
        (
            [["Title"], ["Code", "Narrative", "Not applicable reason"], ["1.1", "", ""]],
            ("Domain 1", 2, "Rating"),
        ),
        ([["Code", "Rating", "Not applicable reason"], ["1.1", 2, ""]], ("Domain 1", 1, "Narrative")),
    ],
)
def test_a_domain_sheet_without_its_headers_is_a_problem(sheet, expected):
    parsed = xlsx.parse_workbook(workbook({"Domain 1": sheet}), catalogue())

    assert places(parsed.problems) == [expected]
    assert parsed.rows == []


def test_two_columns_with_the_same_header_is_a_problem():
    data = workbook({"Domain 1": [[*HEADER, "Rating"], ["1.1", "", "", 2, "", "", 3]]})

    (problem,) = xlsx.parse_workbook(data, catalogue()).problems
    assert (problem.sheet, problem.row) == ("Domain 1", 1)
    assert "more than one Rating column (D, G)" in problem.message


def test_a_workbook_without_domain_sheets_is_a_problem():
    parsed = xlsx.parse_workbook(
        workbook({"Sheet1": [["Name", "Score"], ["x", 1]], "Scale": [["Value"]]}), catalogue()
    )

    (problem,) = parsed.problems
    assert problem.sheet is None
    assert "no domain sheets" in problem.message


@pytest.mark.parametrize(
    "data",
    [
        b"not a workbook at all",
        b"PK\x03\x04" + b"\x00" * 100,  # a broken zip
        None,  # a zip that claims to be a workbook but whose sheet is not XML (filled in below)
    ],
)
def test_a_damaged_file_is_a_problem_not_an_error(data):
    if data is None:
        good = io.BytesIO(exported())
        broken = io.BytesIO()
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
            for info in src.infolist():
                content = src.read(info.filename)
                dst.writestr(
                    info, b"<worksheet><sheetData><row" if info.filename.endswith("sheet1.xml") else content
                )
        data = broken.getvalue()

    parsed = xlsx.parse_workbook(data, catalogue())

    (problem,) = parsed.problems
    assert problem.sheet is None
    assert "damaged" in problem.message
    assert parsed.rows == []


def test_a_code_excel_turned_into_a_number_is_read_when_it_is_unambiguous():
    data = workbook({"Domain 1": [HEADER, [1.1, "", "", 1, "", ""], [2.1, "", "", 1, "", ""]]})

    parsed = xlsx.parse_workbook(data, catalogue())

    # 1.1 could be item 1.1 or item 1.10 (Excel writes 1.10 as 1.1), so it must be typed as text again.
    (problem,) = parsed.problems
    assert places([problem]) == [("Domain 1", 2, "A (Code)")]
    assert "could be item 1.1 or 1.10" in problem.message
    ok = xlsx.parse_workbook(workbook({"Domain 1": [HEADER, [2.1, "", "", 1, "", ""]]}), catalogue())
    assert [r.code for r in ok.rows] == ["2.1"]


def test_ratings_as_excel_may_store_them():
    data = workbook(
        {
            "Domain 1": [
                HEADER,
                ["1.1", "", "", 2.0, "", ""],
                ["1.2", "", "", " 3 ", "", ""],
                ["1.10", "", "", "not applicable", "Not ours", ""],
                ["2.1", "", "", "n/a", "Nor this", ""],
            ]
        }
    )

    parsed = xlsx.parse_workbook(data, catalogue())

    assert parsed.problems == []
    assert [(r.values.rating, r.values.not_applicable) for r in parsed.rows] == [
        (2, False),
        (3, False),
        (None, True),
        (None, True),
    ]


def test_a_workbook_exported_from_another_self_assessment_is_refused():
    parsed = xlsx.parse_workbook(exported(), catalogue(assessment_id="someone-else"))

    (problem,) = parsed.problems
    assert (problem.sheet, problem.row, problem.column) == ("About", 8, "B")
    assert "different self-assessment" in problem.message


def test_a_tampered_version_cell_is_a_problem():
    data = edit(exported(), {"1.2": {"Version": "seven"}})

    (problem,) = xlsx.parse_workbook(data, catalogue()).problems
    assert places([problem]) == [("Domain 1", 4, "G (Version)")]


# Comparing with the items as they stand ---------------------------------------------------------------------


def test_a_row_not_edited_in_the_workbook_never_undoes_a_change_made_on_the_website():
    rows = xlsx.parse_workbook(exported(), catalogue()).rows
    website = current(**{"1.1": Current(values(0, narrative="Changed on the website"), 4, "Ann Lead")})

    plan = xlsx.plan_import(rows, website)

    assert (plan.changes, plan.unchanged, plan.problems) == ([], 4, [])


def test_a_row_edited_in_the_workbook_and_on_the_website_is_refused():
    rows = xlsx.parse_workbook(edit(exported(), {"1.1": {"Rating": 3}}), catalogue()).rows
    website = current(**{"1.1": Current(values(0), 4, "Ann Lead")})

    plan = xlsx.plan_import(rows, website)

    (problem,) = plan.problems
    assert places([problem]) == [("Domain 1", 3, "Code")]
    assert "changed on the website by Ann Lead after this workbook was exported" in problem.message
    assert plan.changes == []


def test_the_same_change_made_in_both_places_is_no_change():
    rows = xlsx.parse_workbook(edit(exported(), {"1.1": {"Rating": 3}}), catalogue()).rows
    website = current(**{"1.1": Current(values(3, narrative="Agreed at the governing body."), 4, "Ann Lead")})

    plan = xlsx.plan_import(rows, website)

    assert (plan.changes, plan.unchanged, plan.problems) == ([], 4, [])


def test_rows_without_a_version_are_compared_with_the_items_as_they_stand():
    row = Row("1.1", "Domain 1", 3, values(2, narrative="Agreed at the governing body."))
    plan = xlsx.plan_import([row], current(**{"1.1": Current(values(0), 9)}))

    (change,) = plan.changes
    assert (change.before, change.after, change.version) == (values(0), row.values, 9)


def test_line_endings_and_surrounding_space_are_not_changes():
    assert values(narrative="a\r\nb  ") == values(narrative="a\nb")
    assert values(rating=2, reason="stray") == values(rating=2)  # a reason only belongs to N/A


def test_rows_survive_the_session_as_json():
    row = Row("1.10", "Domain 1", 5, values(na=True, reason="No"), Base(3, "abcdef012345"))
    assert Row.from_json(row.as_json()) == row


# Properties -------------------------------------------------------------------------------------------------

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=200)


@settings(max_examples=60, deadline=None)
@given(
    rating=st.sampled_from([None, 0, 1, 2, 3, "na"]),
    reason=text,
    narrative=text,
)
@example(rating="na", reason="x\ufffey\x0b", narrative="a_x000D_b\r\n=SUM(A1)\uffff")
def test_what_is_exported_reads_back_the_same(rating, reason, narrative):
    original = Values.of(
        rating=None if rating == "na" else rating,
        not_applicable=rating == "na",
        reason=reason,
        narrative=narrative,
    )
    data = xlsx.build_workbook(INFO, [ExportItem("1.1", 1, "basics", "x", original, 0)])

    parsed = xlsx.parse_workbook(data, xlsx.Catalogue(frozenset(["1.1"]), (0, 1, 2, 3), True, "a-1"))

    (row,) = parsed.rows
    assert row.values == xlsx.exported_values(original)
    assert row.base == Base(0, row.values.digest())  # untouched, so it never overwrites the website
