"""Fuzzing the Excel importer: any file gives either a clean import or a clear list of problems, never a crash,
a server error or a partial write."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from assure.assessments import xlsx
from assure.assessments.tests.test_views_excel import confirm, export, state, upload
from assure.assessments.tests.test_xlsx import CODES, catalogue, current, exported

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [0, 1, 2, 3, 4, -1, 2.5, "2", " 3 ", "N/A", "na", "n/a", "In place", "", " ", "1.1", "9.9"]
    ),
    st.sampled_from(["=1/0", "=A1", "=SUM(A1:A3)", '=HYPERLINK("http://x")', "_x000D_", "\x0b", "\ufffe"]),
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
    st.text(min_size=2900, max_size=3100),  # about the narrative limit
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
)
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    return ILLEGAL.sub("", value) if isinstance(value, str) else value


edit = st.one_of(
    st.tuples(st.just("cell"), st.integers(0, 3), st.integers(1, 30), st.integers(1, 10), cell_values),
    st.tuples(
        st.just("rename"), st.integers(0, 3), st.sampled_from(["Domain 1", "Domain 9", "About", "x", "Sheet"])
    ),
    st.tuples(st.just("delete_sheet"), st.integers(0, 3)),
    st.tuples(st.just("insert_rows"), st.integers(0, 3), st.integers(1, 5)),
    st.tuples(st.just("delete_rows"), st.integers(0, 3), st.integers(1, 5)),
    st.tuples(st.just("new_sheet"), st.sampled_from(["Domain 3", "Notes", "about"])),
)


def _edited(data: bytes, edits) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for change in edits:
        kind, *args = change
        sheets = wb.worksheets
        if kind == "new_sheet":
            if args[0] not in wb.sheetnames:
                wb.create_sheet(args[0])
            continue
        if not sheets:
            continue
        ws = sheets[args[0] % len(sheets)]
        if kind == "cell":
            cell = ws.cell(row=args[1], column=args[2])
            if not isinstance(cell, MergedCell):  # a merged range's value is in its first cell only
                cell.value = _cell(args[3])
        elif kind == "rename" and args[1] not in wb.sheetnames:
            ws.title = args[1]
        elif kind == "delete_sheet" and len(sheets) > 1:
            wb.remove(ws)
        elif kind == "insert_rows":
            ws.insert_rows(args[1])
        elif kind == "delete_rows":
            ws.delete_rows(args[1])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _check(parsed: xlsx.Parsed) -> None:
    """What any parse must look like: rows, or problems and no rows; each problem has words and a place."""
    assert isinstance(parsed, xlsx.Parsed)
    if parsed.problems:
        assert parsed.rows == []
    for problem in parsed.problems:
        assert problem.message.strip()
        assert problem.place
    for row in parsed.rows:
        assert row.code in CODES
        assert row.values.rating in {None, 0, 1, 2, 3}
    xlsx.plan_import(parsed.rows, current())


FAST = hypothesis_settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(data=st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_clearly(data):
    _check(xlsx.parse_workbook(data, catalogue()))


@FAST
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.none() | st.integers(0, 10**6),
)
def test_a_damaged_workbook_is_read_or_refused_clearly(flips, cut):
    data = bytearray(exported())
    for position, byte in flips:
        data[position % len(data)] = byte
    if cut is not None:
        data = data[: cut % len(data)]
    _check(xlsx.parse_workbook(bytes(data), catalogue()))


@FAST
@given(edits=st.lists(edit, min_size=1, max_size=6))
def test_any_edit_of_an_exported_workbook_is_read_or_refused_clearly(edits):
    _check(xlsx.parse_workbook(_edited(exported(), edits), catalogue()))


# Through the pages, with the real database: upload, preview and confirm never fail with a server error, and
# nothing is written unless the whole workbook is valid.


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(edit, min_size=1, max_size=5))
def test_any_uploaded_workbook_is_imported_whole_or_refused_without_a_trace(
    ccg_staff_client, assessment, edits
):
    with transaction.atomic():
        before = state(assessment)
        data = _edited(export(ccg_staff_client, assessment), edits)

        response = upload(ccg_staff_client, assessment, data)

        assert response.status_code in {200, 302}, response.status_code
        assert state(assessment) == before  # a preview writes nothing
        html = response.content.decode()
        token = re.search(r'name="token" value="([^"]+)"', html)
        if token:
            confirmed = confirm(ccg_staff_client, assessment, token.group(1))
            assert confirmed.status_code in {200, 302}, confirmed.status_code
        else:
            assert (
                "There is a problem" in html
                or "nothing to import" in html.lower()
                or "no changes" in html.lower()
            )
            assert state(assessment) == before
        transaction.set_rollback(True)
