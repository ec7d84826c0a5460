"""The pure parts: search words, the weakest items, export cells. No database."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assure.goodpractice.exports import safe_cell
from assure.goodpractice.query import MAX_WORDS, fts5_match, plain_query, query_words
from assure.goodpractice.weakest import weakest_items

NASTY = [
    '"',
    '"unbalanced',
    "NEAR(a b)",
    "a AND OR NOT b",
    "title:foo",
    "^start",
    "pre*",
    "(",
    ")",
    "{a b}",
    "-x",
    "+",
    "a\x00b",
    "'; DROP TABLE goodpractice_example; --",
    "_",
    "___",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "e\u0301",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def fts():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')"
    )
    connection.execute("INSERT INTO t VALUES ('Discharge planning', 'With the council''s social care team')")
    yield connection
    connection.close()


def test_words_are_lower_case_letters_and_digits_without_repeats():
    assert query_words("Discharge PLANNING, discharge; 2024!") == ["discharge", "planning", "2024"]
    assert query_words('NEAR("a" b*) AND c:d') == ["near", "a", "b", "and", "c", "d"]
    assert query_words("snake_case") == ["snake", "case"]
    assert query_words(None) == []


def test_fts5_query_quotes_each_word_so_operators_are_just_words():
    assert fts5_match("discharge AND planning") == '"discharge" "and" "planning"'
    assert fts5_match("  ?! ") is None
    assert plain_query("Social-care!") == "social care"


def test_a_real_search_matches_stemmed_words(fts):
    assert fts.execute("SELECT rowid FROM t WHERE t MATCH ?", [fts5_match("plans council")]).fetchall() == [
        (1,)
    ]
    assert fts.execute("SELECT rowid FROM t WHERE t MATCH ?", [fts5_match("plans hospital")]).fetchall() == []


@pytest.mark.parametrize("text", NASTY)
def test_nasty_input_is_never_a_syntax_error(fts, text):
    match = fts5_match(text)
    if match is not None:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", [match]).fetchall()


@given(st.text(max_size=300))
def test_any_text_gives_a_valid_fts5_query_or_none(text):
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(a, tokenize='porter unicode61 remove_diacritics 2')"
    )
    match = fts5_match(text)
    if match is not None:
        connection.execute("SELECT rowid FROM t WHERE t MATCH ?", [match]).fetchall()  # never raises
    connection.close()


@given(st.text(max_size=500))
def test_words_are_bounded_and_safe_for_both_databases(text):
    words = query_words(text)
    assert len(words) <= MAX_WORDS
    assert len(set(words)) == len(words)
    for word in words:
        assert word and all(ch.isalnum() for ch in word)
        assert '"' not in word and "\x00" not in word
    plain = plain_query(text)
    assert plain is None or plain.split() == words


def test_the_weakest_items_are_those_rated_lowest_in_order():
    ratings = {"1.1": 2, "1.2": 1, "1.3": None, "1.4": 1, "1.5": 3}
    assert weakest_items(ratings, top=3) == ["1.2", "1.4"]
    assert weakest_items(ratings, top=3, limit=1) == ["1.2"]


def test_nothing_is_weakest_when_nothing_is_rated_or_everything_is_at_the_top():
    assert weakest_items({"1.1": None}, top=3) == []
    assert weakest_items({"1.1": 3, "1.2": 3}, top=3) == []
    assert weakest_items({}, top=3) == []


@given(
    st.dictionaries(st.text(min_size=1, max_size=5), st.one_of(st.none(), st.integers(0, 3))),
    st.integers(1, 6),
)
def test_weakest_items_have_the_lowest_rating(ratings, limit):
    weakest = weakest_items(ratings, top=3, limit=limit)
    rated = [r for r in ratings.values() if r is not None]
    assert len(weakest) <= limit
    if weakest:
        assert {ratings[code] for code in weakest} == {min(rated)}
        assert min(rated) < 3
    else:
        assert not rated or min(rated) == 3


@pytest.mark.parametrize("text", ["=SUM(A1:A3)", "+1", "-cmd", "@import", "\tx"])
def test_export_cells_never_start_a_formula(text):
    assert safe_cell(text) == "'" + text


@given(st.text(max_size=100))
def test_any_export_cell_is_inert(text):
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    kept = ILLEGAL_CHARACTERS_RE.sub("", text)
    assert cell in (kept, "'" + kept)  # the text itself is kept whole
