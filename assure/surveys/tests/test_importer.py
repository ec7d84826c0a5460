"""Reading stakeholder lists: every problem by row and column, CSV and Excel alike, and fast."""

from __future__ import annotations

import io
import time

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from assure.surveys.constants import GROUPS
from assure.surveys.importer import parse_stakeholders


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def messages(parsed) -> list[str]:
    return [p.message for p in parsed.problems]


def test_a_good_csv_gives_every_row():
    parsed = parse_stakeholders(
        csv_bytes(
            "Name,Email,Organisation,Group",
            "Dr Asha Patel,Asha.Patel@Example.org,Park Road Surgery,member_practice",
            "Cllr Tom Hughes,tom@example.org,Camden HWB,Health and Wellbeing Board",
        ),
        "csv",
    )
    assert parsed.problems == []
    assert [(r.row, r.email, r.group) for r in parsed.valid] == [
        (2, "asha.patel@example.org", "member_practice"),
        (3, "tom@example.org", "hwb"),
    ]


def test_each_problem_names_its_row_and_column():
    parsed = parse_stakeholders(
        csv_bytes(
            "Name,Email,Organisation,Group",
            "Ann,ann@example.org,,provider",
            "Bob,,,provider",
            "Cat,not-an-email,,provider",
            "Dan,ANN@example.org,,provider",
            ",eve@example.org,,dentists",
            "Fay,fay@example.org,,",
            "Gus,listed@example.org,,hwb",
        ),
        "csv",
        existing={"listed@example.org"},
    )
    assert messages(parsed) == [
        "Enter an email address in row 3, column B",
        "Enter a valid email address in row 4, column B: “not-an-email” is not one",
        "ann@example.org in row 5, column B is also in row 2: keep one row for each person",
        "Enter a name in row 6, column A",
        "“dentists” in row 6, column D is not a stakeholder group. Use one of: member_practice, hwb, "
        "local_authority, other_ccg, provider, patient_group, commissioning_support, other",
        "Enter a stakeholder group in row 7, column D",
        "listed@example.org in row 8, column B is already on the stakeholder list",
    ]
    assert [(p.row, p.column) for p in parsed.problems][:2] == [(3, "B"), (4, "B")]
    assert [r.name for r in parsed.valid] == ["Ann"]
    assert parsed.invalid_rows == 6


def test_columns_may_come_in_any_order_with_other_names_and_separators():
    parsed = parse_stakeholders(
        csv_bytes("Stakeholder group;E-mail address;Full name", "Providers;p@example.org;Pat"), "csv"
    )
    assert parsed.problems == []
    assert parsed.valid[0].group == "provider" and parsed.valid[0].organisation == ""


def test_a_file_without_the_columns_says_so():
    assert messages(parse_stakeholders(csv_bytes("a,b", "1,2"), "csv")) == [
        "The file has no header row. Its first row must name the columns: Name, Email, Organisation, Group"
    ]
    assert messages(parse_stakeholders(csv_bytes("Email,Name", "a@example.org,A"), "csv")) == [
        "The header row (row 1) has no Group column. Add one, named “Group”"
    ]
    assert messages(parse_stakeholders(csv_bytes("Name,Email,Group"), "csv")) == [
        "The file has a header row but no stakeholders below it"
    ]


def test_an_excel_workbook_is_read_the_same_way():
    data = xlsx_bytes(
        [
            ["Stakeholders for the 360° survey"],
            ["Name", "Email", "Organisation", "Group"],
            ["Ann", "ann@example.org", "Royal Free", "Providers"],
            [None, None, None, None],
            ["Bob", "bob@", "Council", "local_authority"],
        ]
    )
    parsed = parse_stakeholders(data, "xlsx")
    assert [r.email for r in parsed.valid] == ["ann@example.org"]
    assert messages(parsed) == ["Enter a valid email address in row 5, column B: “bob@” is not one"]


def test_a_damaged_workbook_is_refused_plainly():
    parsed = parse_stakeholders(b"PK\x03\x04 not really a workbook", "xlsx")
    assert messages(parsed) == [
        "The file could not be read as an Excel workbook. Save it from Excel as .xlsx and try again"
    ]


def test_windows_encoded_csv_is_read():
    data = "Name,Email,Group\r\nRenée,renee@example.org,other\r\n".encode("cp1252")
    assert parse_stakeholders(data, "csv").valid[0].name == "Renée"


@given(st.sampled_from([g for code, label, others in GROUPS for g in (code, label, label.upper(), *others)]))
def test_every_group_code_label_and_alias_is_accepted(text):
    parsed = parse_stakeholders(csv_bytes("Name,Email,Group", f'A,a@example.org,"{text}"'), "csv")
    assert parsed.problems == [] and len(parsed.valid) == 1


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30), max_size=6))
def test_any_row_either_imports_or_is_reported(cells):
    data = (
        csv_bytes("Name,Email,Organisation,Group") + (",".join(c.replace(",", " ") for c in cells)).encode()
    )
    parsed = parse_stakeholders(data, "csv")
    rows_reported = {p.row for p in parsed.problems}
    assert parsed.rows_read == len(parsed.valid) + len(rows_reported - {None}) or parsed.file_problems


def test_ten_thousand_rows_are_checked_in_seconds():
    lines = ["Name,Email,Organisation,Group"] + [
        f"Person {n},person{n}@example.org,Practice {n % 50},{GROUPS[n % len(GROUPS)][0]}"
        for n in range(10_000)
    ]
    started = time.process_time()  # CPU time: other work on the machine does not count
    parsed = parse_stakeholders(csv_bytes(*lines), "csv")
    elapsed = time.process_time() - started
    assert len(parsed.valid) == 10_000 and parsed.problems == []
    assert elapsed < 5, f"checking 10,000 rows took {elapsed:.1f}s"
