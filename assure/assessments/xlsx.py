"""The self-assessment as an Excel workbook, and a filled-in workbook read back.

`build_workbook` and `parse_workbook` work on plain data (no database), so they can be tested on their own.
`plan_import` compares what a workbook says with the items as they stand; `export_assessment`,
`import_catalogue`, `current_items` and `workbook_import` are the thin Django-facing parts.

How an import reads a workbook (the workbook's About sheet tells the user the same):

- Every sheet named "Domain N", and any other sheet whose header row has Code and Rating columns, is read.
  Other sheets (Scale, About, anything the user added) are ignored. The header row is found by its names in
  the first rows of a sheet, so columns may be moved and title rows added. Code, Rating, Not applicable reason
  and Narrative must be present; Tier, Item and Version are optional. Blank rows are skipped.
- An item is known by its code, which is unique in the framework, so a row may sit on another domain's sheet:
  the code decides which item it rates. A code not in the framework, or appearing twice, is a problem.
- A blank rating means "not rated". Items without a row are left as they are.
- The hidden Version column holds each item's version and a digest of its values at export. A row whose values
  still match its digest was not edited in the workbook, so it never overwrites a later change made on the
  website. A row that was edited, for an item also changed on the website since the export, is refused, so
  nobody's work is overwritten. A row without a Version is compared with the item as it now stands.
- Every row is checked, every problem is reported with its sheet, row and column, and nothing is written
  unless the whole workbook is valid.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = (
    60 * 1024 * 1024
)  # a 5 MB workbook that unpacks to more than this is not a self-assessment
MAX_ROWS_PER_SHEET = 5000
HEADER_SEARCH_ROWS = 10
NOT_APPLICABLE = "N/A"
DASH = "\N{EN DASH}"
NA_WORDS = {"n/a", "na", "not applicable"}
TIER_LABELS = {"basics": "Build the basics", "future": "Develop together for the future"}
DOMAIN_SHEET = re.compile(r"^\s*domain\s*(\d+)\s*$", re.IGNORECASE)
VERSION_CELL = re.compile(r"^v(\d+)-([0-9a-f]{12})$")
ABOUT_ID_LABEL = "Self-assessment ID"

# Column key -> (header as exported, other header names accepted on import, width, wrapped)
COLUMNS: dict[str, tuple[str, set[str], int, bool]] = {
    "code": ("Code", {"item code"}, 9, False),
    "tier": ("Tier", set(), 18, True),
    "item": ("Item", {"item text", "action"}, 60, True),
    "rating": ("Rating", set(), 10, False),
    "reason": ("Not applicable reason", {"reason", "n/a reason", "reason not applicable"}, 32, True),
    "narrative": ("Narrative", set(), 80, True),
    "version": ("Version", set(), 16, False),
}
REQUIRED = ("code", "rating", "reason", "narrative")
FIRST_ROW = 3  # title row, header row, then the items


# Plain data -------------------------------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """A cell's or field's text as compared and saved: line endings as \\n, no surrounding space."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class Values:
    """What a person can set on an item. Built through `Values.of`, so equal content compares equal."""

    rating: int | None
    not_applicable: bool
    reason: str
    narrative: str

    @classmethod
    def of(cls, *, rating: int | None, not_applicable: bool, reason: Any = "", narrative: Any = "") -> Values:
        return cls(
            rating=None if not_applicable else rating,
            not_applicable=not_applicable,
            reason=clean_text(reason) if not_applicable else "",
            narrative=clean_text(narrative),
        )

    def digest(self) -> str:
        payload = json.dumps(
            [self.rating, self.not_applicable, self.reason, self.narrative], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    def as_json(self) -> dict[str, Any]:
        return {
            "rating": self.rating,
            "na": self.not_applicable,
            "reason": self.reason,
            "narrative": self.narrative,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Values:
        return cls.of(
            rating=data["rating"],
            not_applicable=data["na"],
            reason=data["reason"],
            narrative=data["narrative"],
        )


@dataclass(frozen=True)
class ExportItem:
    code: str
    domain: int
    tier: str  # "basics" or "future"
    text: str
    values: Values
    version: int


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str
    description: str


@dataclass(frozen=True)
class ExportInfo:
    assessment_id: str
    organisation: str
    organisation_code: str
    cycle: str
    framework_slug: str
    framework_version: str
    exported_at: str
    narrative_limit: int
    allow_not_applicable: bool
    scale: tuple[ScalePoint, ...]
    domains: tuple[tuple[int, str], ...]  # (number, short title)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook. `sheet` is None for the workbook as a whole."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # "D (Rating)"

    @property
    def place(self) -> str:
        parts = [f"sheet “{self.sheet}”"] if self.sheet else []
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts) or "the workbook"


@dataclass(frozen=True)
class Base:
    """An item as it was exported: its version and the digest of its values."""

    version: int
    digest: str


@dataclass(frozen=True)
class Row:
    """One valid item row read from a workbook."""

    code: str
    sheet: str
    row: int
    values: Values
    base: Base | None = None

    def as_json(self) -> dict[str, Any]:
        base = [self.base.version, self.base.digest] if self.base else None
        return {
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "values": self.values.as_json(),
            "base": base,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Row:
        base = Base(int(data["base"][0]), str(data["base"][1])) if data.get("base") else None
        return cls(
            code=data["code"],
            sheet=data["sheet"],
            row=int(data["row"]),
            values=Values.from_json(data["values"]),
            base=base,
        )


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Catalogue:
    """What a workbook is checked against: the framework's items and scale, and the rules for one item."""

    codes: frozenset[str]
    scale_values: tuple[int, ...]
    allow_not_applicable: bool
    assessment_id: str = ""
    # (code, values) -> errors keyed by "rating", "not_applicable", "reason" or "narrative"
    validate: Callable[[str, Values], Mapping[str, str]] = lambda code, values: {}

    @property
    def rating_choices(self) -> str:
        values = [str(v) for v in self.scale_values]
        if self.allow_not_applicable:
            return ", ".join(values) + f" or {NOT_APPLICABLE}"
        return ", ".join(values[:-1]) + f" or {values[-1]}"


@dataclass(frozen=True)
class Current:
    """An item as it now stands in the database."""

    values: Values
    version: int
    updated_by: str = ""


@dataclass(frozen=True)
class Change:
    code: str
    sheet: str
    row: int
    before: Values
    after: Values
    version: int  # the item's version when the change was planned

    @property
    def fields(self) -> list[str]:
        out = []
        if (self.before.rating, self.before.not_applicable) != (self.after.rating, self.after.not_applicable):
            out.append("rating")
        if self.before.reason != self.after.reason:
            out.append("reason")
        if self.before.narrative != self.after.narrative:
            out.append("narrative")
        return out


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[str] = field(
        default_factory=list
    )  # codes changed both in the workbook and on the website


# Building ---------------------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="AEB7BD")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="005EB8")  # NHS blue
_KEY_FILL = PatternFill("solid", fgColor="E8EDEE")  # NHS pale grey: the key column
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")


_NOT_XML = re.compile("[\ufffe\uffff]")  # not allowed in XML, and openpyxl does not remove them


def _text(value: Any) -> str:
    """Text safe to store in a cell: without the control characters XML cannot hold."""
    return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", clean_text(value)))


def _put_text(ws, row: int, column: int, value: Any):
    """A string cell that stays a string even if it starts with '=': no formula injection from narratives."""
    cell = ws.cell(row=row, column=column, value=_text(value))
    cell.data_type = "s"
    return cell


def exported_values(values: Values) -> Values:
    """The values as they will read back from the workbook (illegal characters cannot be stored)."""
    return Values.of(
        rating=values.rating,
        not_applicable=values.not_applicable,
        reason=_text(values.reason),
        narrative=_text(values.narrative),
    )


def build_workbook(info: ExportInfo, items: Sequence[ExportItem]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    by_domain: dict[int, list[ExportItem]] = {number: [] for number, _ in info.domains}
    for item in items:
        by_domain.setdefault(item.domain, []).append(item)
    titles = dict(info.domains)
    choices = [str(p.value) for p in info.scale] + ([NOT_APPLICABLE] if info.allow_not_applicable else [])
    for number, domain_items in by_domain.items():
        _domain_sheet(wb, info, number, titles.get(number, ""), domain_items, choices)
    _scale_sheet(wb, info)
    _about_sheet(wb, info)
    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _domain_sheet(
    wb, info: ExportInfo, number: int, title: str, items: Sequence[ExportItem], choices: list[str]
):
    ws = wb.create_sheet(f"Domain {number}")
    keys = list(COLUMNS)
    title_cell = _put_text(ws, 1, 1, f"Domain {number}: {title} {DASH} {info.organisation}, {info.cycle}")
    title_cell.font = Font(bold=True, size=14)
    for index, key in enumerate(keys, start=1):
        header, _, width, _ = COLUMNS[key]
        cell = _put_text(ws, 2, index, header)
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _BORDER, _TOP_WRAP
        ws.column_dimensions[get_column_letter(index)].width = width
    code_col = keys.index("code") + 1
    ws.cell(row=2, column=code_col).comment = Comment(
        "The item code identifies the row. Do not change it: the import uses it to find the item.", "Assure"
    )
    ws.cell(row=2, column=keys.index("rating") + 1).comment = Comment(
        f"A number from the Scale sheet ({', '.join(choices)}). Leave blank if not rated.", "Assure"
    )
    ws.column_dimensions[get_column_letter(keys.index("version") + 1)].hidden = True
    for offset, item in enumerate(items):
        row = FIRST_ROW + offset
        values = exported_values(item.values)
        rating: Any = NOT_APPLICABLE if values.not_applicable else values.rating
        cells = {
            "code": _put_text(ws, row, code_col, item.code),
            "tier": _put_text(ws, row, keys.index("tier") + 1, TIER_LABELS.get(item.tier, item.tier)),
            "item": _put_text(ws, row, keys.index("item") + 1, item.text),
            "rating": ws.cell(row=row, column=keys.index("rating") + 1, value=rating),
            "reason": _put_text(ws, row, keys.index("reason") + 1, values.reason),
            "narrative": _put_text(ws, row, keys.index("narrative") + 1, values.narrative),
            "version": _put_text(ws, row, keys.index("version") + 1, f"v{item.version}-{values.digest()}"),
        }
        for key, cell in cells.items():
            cell.border = _BORDER
            cell.alignment = _TOP_WRAP if COLUMNS[key][3] else _TOP
        cells["code"].font = Font(bold=True)
        cells["code"].fill = _KEY_FILL
        cells["code"].number_format = "@"  # so a code typed again (1.10) stays text, not the number 1.1
    last = FIRST_ROW + max(len(items), 1) - 1
    rating_letter = get_column_letter(keys.index("rating") + 1)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Rating",
        error=f"Choose a rating from the list: {', '.join(choices)}. Leave it blank if not rated.",
        showInputMessage=True,
        promptTitle="Rating",
        prompt=f"{', '.join(choices)} {DASH} see the Scale sheet",
    )
    validation.add(f"{rating_letter}{FIRST_ROW}:{rating_letter}{last}")
    ws.add_data_validation(validation)
    ws.freeze_panes = ws.cell(
        row=FIRST_ROW, column=code_col + 1
    )  # header rows and the Code column stay in view
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _scale_sheet(wb, info: ExportInfo):
    ws = wb.create_sheet("Scale")
    for index, (header, width) in enumerate([("Value", 10), ("Label", 22), ("Description", 80)], start=1):
        cell = _put_text(ws, 1, index, header)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        ws.column_dimensions[get_column_letter(index)].width = width
    rows: list[tuple[Any, str, str]] = [(p.value, p.label, p.description) for p in info.scale]
    if info.allow_not_applicable:
        rows.append(
            (
                NOT_APPLICABLE,
                "Not applicable",
                "The item does not apply; give the reason in the Not applicable reason column.",
            )
        )
    for offset, (value, label, description) in enumerate(rows, start=2):
        ws.cell(row=offset, column=1, value=value).alignment = _TOP
        _put_text(ws, offset, 2, label).alignment = _TOP
        _put_text(ws, offset, 3, description).alignment = _TOP_WRAP
    ws.freeze_panes = "A2"


def _about_sheet(wb, info: ExportInfo):
    ws = wb.create_sheet("About")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    _put_text(ws, 1, 1, "Self-assessment workbook").font = Font(bold=True, size=14)
    facts = [
        ("CCG", f"{info.organisation} ({info.organisation_code})"),
        ("Cycle", info.cycle),
        ("Framework", info.framework_slug),
        ("Framework version", info.framework_version),
        ("Exported at", info.exported_at),
        (ABOUT_ID_LABEL, info.assessment_id),
    ]
    for offset, (label, value) in enumerate(facts, start=3):
        _put_text(ws, offset, 1, label).font = Font(bold=True)
        _put_text(ws, offset, 2, value)
    choices = ", ".join(str(p.value) for p in info.scale)
    na = (
        f", or {NOT_APPLICABLE} when the item does not apply (then give the reason)"
        if info.allow_not_applicable
        else ""
    )
    steps = [
        "How to use this workbook",
        f"1. On each Domain sheet, enter a rating in the Rating column: {choices} (see the Scale sheet){na}. "
        "Leave the rating blank if you have not rated the item yet.",
        f"2. Write the narrative in the Narrative column, up to {info.narrative_limit:,} characters.",
        "3. Do not change the Code column: it identifies the item. You may sort the rows, move columns and "
        "add blank rows. Items whose rows you delete are left as they are.",
        "4. Import the workbook from the self-assessment's page (Import from Excel). You will see every "
        "change before anything is saved. If any row has a problem, nothing is saved and each problem is "
        "listed with its sheet, row and column.",
        "5. If someone changes an item on the website after this export and you change the same item here, "
        "the import is refused so that nobody's work is overwritten; export a new workbook and make your "
        "change again. The hidden Version column makes this check possible: leave it as it is.",
    ]
    start = FIRST_ROW + len(facts) + 1
    for offset, text in enumerate(steps):
        cell = _put_text(ws, start + offset, 1, text)
        ws.merge_cells(start_row=start + offset, start_column=1, end_row=start + offset, end_column=2)
        cell.alignment = _TOP_WRAP
        ws.row_dimensions[start + offset].height = 15 if offset == 0 else 32
        if offset == 0:
            cell.font = Font(bold=True)


# Reading ----------------------------------------------------------------------------------------------------


def _column(index: int, key: str) -> str:
    return f"{get_column_letter(index + 1)} ({COLUMNS[key][0]})"


def _header_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    name = " ".join(value.split()).casefold()
    for key, (header, aliases, _, _) in COLUMNS.items():
        if name == header.casefold() or name in aliases:
            return key
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_code(value: Any, codes: frozenset[str]) -> tuple[str | None, str | None]:
    """(code, problem) for a Code cell."""
    if isinstance(value, bool):
        return None, "The code must be an item code such as 1.3"
    if isinstance(value, int | float):
        # Excel turns a typed 1.10 into the number 1.1; say so when that is ambiguous.
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
        if f"{text}0" in codes:
            return None, (
                f"The code is stored as the number {text}, so it could be item {text} or {text}0. "
                "Format the Code column as text and type the code again"
            )
        value = text
    code = clean_text(value)
    if code not in codes:
        return None, f"There is no item {code} in the framework: check the code"
    return code, None


def _cell_rating(value: Any, code: str, catalogue: Catalogue) -> tuple[int | None, bool, str | None]:
    """(rating, not_applicable, problem) for a Rating cell."""
    if _blank(value):
        return None, False, None
    if isinstance(value, str):
        text = value.strip()
        if text.casefold() in NA_WORDS:
            return None, True, None
        if re.fullmatch(r"\d+(\.0+)?", text):
            return int(float(text)), False, None
    elif isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), False, None
    shown = value if isinstance(value, str) else str(value)
    return None, False, f"The rating for {code} must be {catalogue.rating_choices}, not “{shown[:40]}”"


def _version_cell(value: Any) -> tuple[Base | None, str | None]:
    if _blank(value):
        return None, None
    match = VERSION_CELL.fullmatch(str(value).strip())
    if not match:
        return None, "Leave the Version cell as it was exported, or clear it"
    return Base(int(match.group(1)), match.group(2)), None


def _unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def parse_workbook(data: bytes, catalogue: Catalogue) -> Parsed:
    """Every item row of a workbook, or every problem in it (a workbook with problems yields no rows)."""
    parsed = Parsed()
    try:
        if _unpacked_size(data) > MAX_UNPACKED_BYTES:
            parsed.problems.append(
                Problem("The workbook is too large to be a self-assessment. Export a new one.")
            )
            return parsed
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        parsed.problems.append(
            Problem(
                "The file could not be read as an Excel workbook: it may be damaged. Save it again as .xlsx."
            )
        )
        return parsed
    try:
        _parse_sheets(wb, catalogue, parsed)
    except Exception:
        parsed.problems.append(
            Problem("Part of the workbook could not be read: it may be damaged. Save it again as .xlsx.")
        )
    finally:
        wb.close()
    if parsed.problems:
        parsed.rows = []
    return parsed


def _sheet_rows(ws) -> Iterable[tuple[int, tuple]]:
    ws.reset_dimensions()  # trust the cells, not the size the file declares
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, tuple(values)


def _parse_sheets(wb, catalogue: Catalogue, parsed: Parsed) -> None:
    seen: dict[str, tuple[str, int]] = {}
    domain_sheets = 0
    for ws in wb.worksheets:
        if ws.title.strip().casefold() == "about":
            _check_about(ws, catalogue, parsed)
            continue
        rows = _sheet_rows(ws)
        header = _find_header(rows)
        named = DOMAIN_SHEET.match(ws.title) is not None
        if header is None:
            if named:
                domain_sheets += 1
                parsed.problems.append(
                    Problem(
                        "The sheet has no header row with a Code column. Put back the header row: "
                        "Code, Rating, Not applicable reason, Narrative",
                        sheet=ws.title,
                        column="Code",
                    )
                )
            continue
        header_row, columns, duplicates = header
        if not named and "rating" not in columns:
            continue  # some other table of the user's
        domain_sheets += 1
        for key, letters in duplicates.items():
            parsed.problems.append(
                Problem(
                    f"The header row has more than one {COLUMNS[key][0]} column "
                    f"({', '.join(letters)}): keep one",
                    sheet=ws.title,
                    row=header_row,
                )
            )
        missing = [key for key in REQUIRED if key not in columns]
        for key in missing:
            parsed.problems.append(
                Problem(
                    f"The header row has no {COLUMNS[key][0]} column. Put it back, named “{COLUMNS[key][0]}”",
                    sheet=ws.title,
                    row=header_row,
                    column=COLUMNS[key][0],
                )
            )
        if missing:
            continue
        for number, values in rows:
            if number > MAX_ROWS_PER_SHEET:
                parsed.problems.append(
                    Problem(
                        f"The sheet has more than {MAX_ROWS_PER_SHEET:,} rows: "
                        "remove the rows that are not items",
                        sheet=ws.title,
                    )
                )
                break
            _parse_row(ws.title, number, values, columns, catalogue, seen, parsed)
    if domain_sheets == 0:
        parsed.problems.append(
            Problem(
                "The workbook has no domain sheets. Use the workbook exported from this self-assessment: "
                "its sheets are named Domain 1, Domain 2 and so on"
            )
        )


def _find_header(rows: Iterable[tuple[int, tuple]]):
    for number, values in rows:
        keys = [_header_key(v) for v in values]
        if "code" in keys:
            columns: dict[str, int] = {}
            duplicates: dict[str, list[str]] = {}
            for index, key in enumerate(keys):
                if key is None:
                    continue
                if key in columns:
                    duplicates.setdefault(key, [get_column_letter(columns[key] + 1)]).append(
                        get_column_letter(index + 1)
                    )
                else:
                    columns[key] = index
            return number, columns, duplicates
        if number >= HEADER_SEARCH_ROWS:
            return None
    return None


def _parse_row(
    sheet: str,
    number: int,
    values: tuple,
    columns: Mapping[str, int],
    catalogue: Catalogue,
    seen: dict[str, tuple[str, int]],
    parsed: Parsed,
) -> None:
    def get(key: str) -> Any:
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def problem(message: str, key: str | None = None) -> None:
        column = _column(columns[key], key) if key is not None and key in columns else None
        parsed.problems.append(Problem(message, sheet=sheet, row=number, column=column))

    if all(_blank(v) for v in values):
        return
    raw_code = get("code")
    if _blank(raw_code):
        if any(not _blank(get(key)) for key in ("rating", "reason", "narrative")):
            problem("Enter the item code for this row, or delete the row", "code")
        return
    code, code_problem = _cell_code(raw_code, catalogue.codes)
    if code is None:
        problem(code_problem or "Check the code", "code")
        return
    if code in seen:
        first_sheet, first_row = seen[code]
        problem(
            f"Item {code} appears more than once (also on sheet “{first_sheet}”, row {first_row}): "
            "keep one row",
            "code",
        )
        return
    seen[code] = (sheet, number)
    rating, not_applicable, rating_problem = _cell_rating(get("rating"), code, catalogue)
    if rating_problem:
        problem(rating_problem, "rating")
    reason, narrative = clean_text(get("reason")), clean_text(get("narrative"))
    base, version_problem = _version_cell(get("version"))
    if version_problem:
        problem(version_problem, "version")
    if reason and not not_applicable and not rating_problem:
        problem(
            f"Remove the reason for {code}, or enter {NOT_APPLICABLE} as its rating: "
            "a reason is only for items that do not apply",
            "reason",
        )
    entered = Values(rating=rating, not_applicable=not_applicable, reason=reason, narrative=narrative)
    # The website's rules for one item, so a workbook can hold nothing the item page would refuse.
    for key, message in catalogue.validate(code, entered).items():
        column = {"not_applicable": "rating"}.get(key, key)
        if (column == "rating" and rating_problem) or (column == "reason" and not not_applicable):
            continue  # already reported above
        problem(message, column if column in COLUMNS else None)
    parsed.rows.append(
        Row(
            code=code,
            sheet=sheet,
            row=number,
            values=Values.of(
                rating=rating, not_applicable=not_applicable, reason=reason, narrative=narrative
            ),
            base=base,
        )
    )


def _check_about(ws, catalogue: Catalogue, parsed: Parsed) -> None:
    """A workbook exported from another self-assessment must not be imported into this one."""
    if not catalogue.assessment_id:
        return
    for number, values in _sheet_rows(ws):
        if number > 40:
            return
        if values and isinstance(values[0], str) and values[0].strip() == ABOUT_ID_LABEL:
            found = clean_text(values[1] if len(values) > 1 else "")
            if found and found != catalogue.assessment_id:
                parsed.problems.append(
                    Problem(
                        "This workbook was exported from a different self-assessment. Export this "
                        "self-assessment's workbook and copy your ratings into it",
                        sheet=ws.title,
                        row=number,
                        column="B",
                    )
                )
            return


# Comparing --------------------------------------------------------------------------------------------------


def plan_import(rows: Sequence[Row], current: Mapping[str, Current]) -> Plan:
    """What importing `rows` would change, and the rows refused because the item changed on both sides."""
    plan = Plan()
    for row in rows:
        now = current.get(row.code)
        if now is None:
            plan.problems.append(
                Problem(
                    f"There is no item {row.code} in this self-assessment",
                    sheet=row.sheet,
                    row=row.row,
                    column="Code",
                )
            )
            continue
        edited_in_workbook = row.base is None or row.values.digest() != row.base.digest
        if not edited_in_workbook or row.values == now.values:
            plan.unchanged += 1
        elif row.base is not None and row.base.version != now.version:
            who = now.updated_by or "someone"
            plan.conflicts.append(row.code)
            plan.problems.append(
                Problem(
                    f"Item {row.code} was changed on the website by {who} after this workbook was exported, "
                    "and it was changed in the workbook too. Export a new workbook and make your change "
                    "again, or put back the exported values to keep the website's version",
                    sheet=row.sheet,
                    row=row.row,
                    column="Code",
                )
            )
        else:
            plan.changes.append(
                Change(
                    code=row.code,
                    sheet=row.sheet,
                    row=row.row,
                    before=now.values,
                    after=row.values,
                    version=now.version,
                )
            )
    return plan


def rating_text(values: Values, labels: Mapping[int, str]) -> str:
    if values.not_applicable:
        return "Not applicable"
    if values.rating is None:
        return "Not rated"
    label = labels.get(values.rating)
    return f"{values.rating} {DASH} {label}" if label else str(values.rating)


# The Django side --------------------------------------------------------------------------------------------


class ImportRefused(Exception):
    """Nothing was imported. `problems` says why, item by item."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()):
        self.problems = list(problems)
        super().__init__(message)


def _values_of(response) -> Values:
    return Values.of(
        rating=response.rating,
        not_applicable=response.not_applicable,
        reason=response.reason,
        narrative=response.narrative,
    )


def export_filename(assessment) -> str:
    from django.utils.text import slugify

    code = slugify(assessment.organisation.code).upper() or "CCG"
    return f"assessment-{code}-{slugify(assessment.cycle.name)[:60]}.xlsx"


def export_assessment(assessment) -> bytes:
    """The workbook for an assessment, in a fixed number of queries."""
    from django.utils import timezone

    from assure.frameworks.models import Domain

    from .models import NARRATIVE_MAX_LENGTH

    framework = assessment.framework
    spec = framework.spec
    responses = assessment.responses.select_related("item__domain").order_by(
        "item__domain__number", "item__position"
    )
    items = [
        ExportItem(
            code=r.item.code,
            domain=r.item.domain.number,
            tier=r.item.tier,
            text=r.item.text,
            values=_values_of(r),
            version=r.version,
        )
        for r in responses
    ]
    domains = tuple(
        Domain.objects.filter(framework=framework).order_by("number").values_list("number", "short_title")
    )
    info = ExportInfo(
        assessment_id=str(assessment.public_id),
        organisation=assessment.organisation.name,
        organisation_code=assessment.organisation.code,
        cycle=assessment.cycle.name,
        framework_slug=framework.slug,
        framework_version=framework.version,
        exported_at=timezone.localtime().strftime("%d %B %Y %H:%M"),
        narrative_limit=NARRATIVE_MAX_LENGTH,
        allow_not_applicable=spec.allow_not_applicable,
        scale=tuple(ScalePoint(p.value, p.label, p.description) for p in spec.scale),
        domains=domains,
    )
    return build_workbook(info, items)


def import_catalogue(assessment, codes: Iterable[str]) -> Catalogue:
    """The checks for `assessment`: its framework's scale and the same item rules as the website."""
    from . import services

    spec = assessment.framework.spec

    def validate(code: str, values: Values) -> Mapping[str, str]:
        data = services.ItemInput(
            rating=values.rating,
            not_applicable=values.not_applicable,
            reason=values.reason,
            narrative=values.narrative,
        )
        return services.item_validate(assessment=assessment, code=code, data=data)

    return Catalogue(
        codes=frozenset(codes),
        scale_values=tuple(p.value for p in spec.scale),
        allow_not_applicable=spec.allow_not_applicable,
        assessment_id=str(assessment.public_id),
        validate=validate,
    )


def current_items(assessment) -> dict[str, Current]:
    """Every item of the assessment as it now stands, in one query."""
    return {
        r.item.code: Current(
            values=_values_of(r),
            version=r.version,
            updated_by=(r.updated_by.get_full_name() or r.updated_by.email) if r.updated_by else "",
        )
        for r in assessment.responses.select_related("item", "updated_by")
    }


def workbook_import(
    *, assessment, user, rows: Sequence[Row], seen: Mapping[str, int], previewed: Iterable[str]
) -> list[Change]:
    """Apply a previewed import in one transaction, or refuse it whole.

    `seen` holds every row's item version when the preview was shown and `previewed` the items it showed as
    changing. If any item the import would change, or was going to change, has been saved since, nothing is
    imported (no lost updates).
    """
    from django.db import transaction

    from . import services

    with transaction.atomic():
        current = current_items(assessment)
        plan = plan_import(rows, current)
        planned = {change.code: change.version for change in plan.changes}
        affected = set(planned) | set(previewed) | set(plan.conflicts)
        stale = [
            row.code
            for row in rows
            if row.code in affected and current[row.code].version != seen.get(row.code)
        ]
        if stale:
            raise ImportRefused(
                "Nothing was imported, because someone saved items on the website after you checked the "
                "changes.",
                [
                    Problem(f"Item {code} was saved by {current[code].updated_by or 'someone'}")
                    for code in stale
                ],
            )
        if plan.problems or set(planned) != set(previewed):
            raise ImportRefused(
                "Nothing was imported: the workbook no longer matches the changes you checked."
            )
        responses = {
            r.item.code: r for r in assessment.responses.select_related("item").filter(item__code__in=planned)
        }
        for change in plan.changes:
            response = responses[change.code]
            response.assessment = assessment  # already holds the framework: saves queries per item
            try:
                services.item_save(
                    response=response,
                    user=user,
                    data=services.ItemInput(
                        rating=change.after.rating,
                        not_applicable=change.after.not_applicable,
                        reason=change.after.reason,
                        narrative=change.after.narrative,
                    ),
                    version=change.version,
                )
            except services.StaleEdit as exc:
                raise ImportRefused(
                    "Nothing was imported, because someone saved an item while the import was running.",
                    [Problem(str(exc))],
                ) from exc
            except services.ItemInvalid as exc:
                raise ImportRefused(
                    f"Nothing was imported: item {change.code} is not valid.",
                    [Problem(m, sheet=change.sheet, row=change.row) for m in exc.errors.values()],
                ) from exc
    return plan.changes
