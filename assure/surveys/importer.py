"""Reading a stakeholder list from a CSV file or an Excel workbook, with every problem found by row and column.

`parse_stakeholders` works on the file's bytes and plain data (the emails already on the list), so it can be
tested on its own. The first sheet of a workbook is read. The header row (within the first five rows) names the
columns, in any order: Name, Email, Organisation (optional) and Group. A group is given by its code
(`member_practice`) or its label (“Member practices”), in any case. Blank rows are skipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .constants import GROUP_CODES, GROUP_LABELS, group_from_text

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 5
NAME_MAX_LENGTH = 200
ORGANISATION_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254

# Column key -> (name as written in the template, other header names accepted)
COLUMNS: dict[str, tuple[str, set[str]]] = {
    "name": ("Name", {"full name", "stakeholder", "person"}),
    "email": ("Email", {"email address", "e-mail", "e-mail address", "mail"}),
    "organisation": ("Organisation", {"organization", "org", "organisation name"}),
    "group": ("Group", {"stakeholder group", "group code", "type"}),
}
REQUIRED = ("name", "email", "group")
TEMPLATE_HEADER = [COLUMNS[key][0] for key in ("name", "email", "organisation", "group")]


@dataclass(frozen=True)
class Problem:
    """One thing wrong. `row` is the spreadsheet's row number (the header is row 1 in the template)."""

    message: str
    row: int | None = None
    column: str | None = None  # a letter, "B"

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class StakeholderRow:
    row: int
    name: str
    email: str  # lower case
    organisation: str
    group: str  # a group code

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "name": self.name,
            "email": self.email,
            "organisation": self.organisation,
            "group": self.group,
        }

    @classmethod
    def from_json(cls, data: dict) -> StakeholderRow:
        return cls(**{key: data[key] for key in ("row", "name", "email", "organisation", "group")})


@dataclass
class Parsed:
    valid: list[StakeholderRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # every problem, in row order
    rows_read: int = 0  # non-blank data rows

    @property
    def invalid_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})

    @property
    def file_problems(self) -> list[Problem]:
        """Problems with the file as a whole (nothing could be read row by row)."""
        return [p for p in self.problems if p.row is None]

    @property
    def row_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is not None]


def clean(value) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return " ".join(text.split())


def _header_key(value) -> str | None:
    text = clean(value).lower().rstrip(":*").strip()
    for key, (name, others) in COLUMNS.items():
        if text == name.lower() or text in others:
            return key
    return None


def read_rows(data: bytes, kind: str) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for each row of a CSV file or the first sheet of a workbook."""
    if kind == "xlsx":
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        finally:
            workbook.close()
        return
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
        yield number, values


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def parse_stakeholders(data: bytes, kind: str, existing: Container[str] = frozenset()) -> Parsed:
    """Check every row of a stakeholder file. `kind` is "csv" or "xlsx"; `existing` holds the emails (lower
    case) already on the survey's list."""
    parsed = Parsed()
    try:
        rows = read_rows(data, kind)
        header = _find_header(rows)
        if header is None:
            parsed.problems.append(
                Problem(
                    "The file has no header row. Its first row must name the columns: "
                    + ", ".join(TEMPLATE_HEADER)
                )
            )
            return parsed
        columns, header_problems = header
        parsed.problems.extend(header_problems)
        if header_problems:
            return parsed
        _check_rows(rows, columns, existing, parsed)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        if kind == "xlsx":
            message = (
                "The file could not be read as an Excel workbook. Save it from Excel as .xlsx and try again"
            )
        else:
            message = (
                f"The file could not be read as a CSV file ({exc}). Save it as CSV (UTF-8) and try again"
            )
        return Parsed(problems=[Problem(message)])
    if parsed.rows_read == 0 and not parsed.problems:
        parsed.problems.append(Problem("The file has a header row but no stakeholders below it"))
    return parsed


def _find_header(rows: Iterator[tuple[int, list]]):
    for number, values in rows:
        keys = [_header_key(v) for v in values]
        if "email" not in keys:
            if number >= HEADER_SEARCH_ROWS:
                return None
            continue
        columns: dict[str, int] = {}
        problems = []
        for index, key in enumerate(keys):
            if key is None:
                continue
            if key in columns:
                problems.append(
                    Problem(
                        f"The header row has two {COLUMNS[key][0]} columns "
                        f"({get_column_letter(columns[key] + 1)} and {get_column_letter(index + 1)}): keep one",
                        row=number,
                        column=get_column_letter(index + 1),
                    )
                )
            else:
                columns[key] = index
        for key in REQUIRED:
            if key not in columns:
                problems.append(
                    Problem(
                        f"The header row (row {number}) has no {COLUMNS[key][0]} column. Add one, named “{COLUMNS[key][0]}”",
                        row=number,
                    )
                )
        return columns, problems
    return None


def _check_rows(
    rows: Iterable[tuple[int, list]], columns: dict[str, int], existing: Container[str], parsed: Parsed
) -> None:
    letters = {key: get_column_letter(index + 1) for key, index in columns.items()}
    seen: dict[str, int] = {}
    group_hint = ", ".join(GROUP_CODES)
    for number, values in rows:
        cells = {key: clean(values[index]) if index < len(values) else "" for key, index in columns.items()}
        if not any(clean(v) for v in values):
            continue
        parsed.rows_read += 1
        if parsed.rows_read > MAX_ROWS:
            parsed.problems.append(
                Problem(f"The file has more than {MAX_ROWS:,} stakeholders: split it into smaller files")
            )
            parsed.valid.clear()
            return
        found: list[Problem] = []

        def problem(key: str, message: str, number: int = number, found: list[Problem] = found) -> None:
            found.append(Problem(message, row=number, column=letters.get(key)))

        place = {key: f"row {number}, column {letter}" for key, letter in letters.items()}
        name, email, group_text = cells["name"], cells["email"].lower(), cells["group"]
        organisation = cells.get("organisation", "")
        if not name:
            problem("name", f"Enter a name in {place['name']}")
        elif len(name) > NAME_MAX_LENGTH:
            problem("name", f"The name in {place['name']} must be {NAME_MAX_LENGTH} characters or fewer")
        if not email:
            problem("email", f"Enter an email address in {place['email']}")
        elif len(email) > EMAIL_MAX_LENGTH or not _valid_email(email):
            problem(
                "email",
                f"Enter a valid email address in {place['email']}: “{cells['email']}” is not one",
            )
        elif email in seen:
            problem(
                "email",
                f"{email} in {place['email']} is also in row {seen[email]}: keep one row for each person",
            )
        elif email in existing:
            problem("email", f"{email} in {place['email']} is already on the stakeholder list")
        if len(organisation) > ORGANISATION_MAX_LENGTH:
            problem(
                "organisation",
                f"The organisation in {place['organisation']} must be {ORGANISATION_MAX_LENGTH} characters or fewer",
            )
        group = group_from_text(group_text)
        if not group_text:
            problem("group", f"Enter a stakeholder group in {place['group']}")
        elif group is None:
            problem(
                "group",
                f"“{group_text}” in {place['group']} is not a stakeholder group. Use one of: {group_hint}",
            )
        if email and email not in seen:
            seen[email] = number
        if found:
            parsed.problems.extend(found)
        else:
            parsed.valid.append(
                StakeholderRow(number, name, email, organisation, group or "")  # group is set: no problems
            )


def group_label(code: str) -> str:
    return GROUP_LABELS.get(code, code)
