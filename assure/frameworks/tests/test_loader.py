"""The framework file validator: every rejection names the file, the place, what is wrong and (where it can) the line.

Bad files are made from the real built-in file: load it, change one thing, dump it.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assure.frameworks.loader import MAX_FILE_BYTES, FrameworkFileError, content_hash, load_file, load_text

BUILTIN = Path(settings.FRAMEWORKS_DIR) / "ccg-authorisation-2012.yaml"
BUILTIN_DATA = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))


def builtin() -> dict:
    return copy.deepcopy(BUILTIN_DATA)


def dump(data) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1000)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line number of the n-th line containing `needle`."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def rejection(tmp_path: Path, data=None, *, text: str | None = None, name: str = "broken-framework.yaml"):
    """Write the file, load it, and return the FrameworkFileError it must raise, with the file's text."""
    text = dump(data) if text is None else text
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkFileError) as info:
        load_file(path)
    error = info.value
    assert name in error.filename
    assert str(error).startswith(f"{path} was not imported")
    return error, text


def only_problem(error: FrameworkFileError):
    assert len(error.problems) == 1, [str(p) for p in error.problems]
    return error.problems[0]


def test_the_builtin_file_is_valid():
    framework = load_file(BUILTIN)

    assert framework.slug == "ccg-authorisation-2012"
    assert framework.version == "1"


def test_an_unknown_key_inside_a_domain_is_named_with_its_place_and_line(tmp_path):
    data = builtin()
    data["domains"][0]["colour"] = "nhs-blue"

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "domains[0].colour"
    assert problem.message == "unknown key 'colour'"
    assert problem.line == line_of(text, "colour: nhs-blue")
    assert f"line {problem.line}, domains[0].colour: unknown key 'colour'" in str(error)


def test_a_missing_field_says_it_is_required(tmp_path):
    data = builtin()
    del data["domains"][1]["concern"]

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "domains[1].concern"
    assert problem.message == "this field is required"
    # The field is missing, so the line given is where its domain starts.
    assert problem.line == line_of(text, "- number: 2")


def test_a_missing_top_level_field_is_named(tmp_path):
    data = builtin()
    del data["summary"]

    error, _ = rejection(tmp_path, data)

    assert str(only_problem(error)).endswith("summary: this field is required")


def test_an_item_code_used_in_two_domains_is_a_duplicate(tmp_path):
    data = builtin()
    data["domains"][2]["items"][0]["code"] = "1.1"

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "domains[2].items[0].code"
    assert problem.message == "duplicate item code '1.1' (first used at domains[0].items[0].code)"
    assert problem.line == line_of(text, "code: '1.1'", occurrence=2)


def test_a_duplicate_survey_statement_code_is_named(tmp_path):
    data = builtin()
    first = data["domains"][0]["survey_statements"][0]["code"]
    data["domains"][5]["survey_statements"][0]["code"] = first

    error, _ = rejection(tmp_path, data)

    assert f"duplicate survey statement code {first!r}" in only_problem(error).message


def test_a_rule_needing_a_rating_the_scale_does_not_have_is_rejected(tmp_path):
    data = builtin()
    data["rules"]["threshold"]["min_rating"] = 7

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "rules.threshold.min_rating"
    assert problem.message == "7 is not a value on the scale (0, 1, 2, 3)"
    assert problem.line == line_of(text, "min_rating: 7")


def test_a_level_requirement_off_the_scale_is_named_by_level(tmp_path):
    data = builtin()
    data["rules"]["levels"][2]["requires"][1]["min_rating"] = 4

    error, _ = rejection(tmp_path, data)

    assert only_problem(error).place == "rules.levels[2].requires[1].min_rating"


def test_domains_numbered_out_of_order_are_rejected(tmp_path):
    data = builtin()
    data["domains"][2]["number"] = 4

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "domains[2].number"
    assert problem.message == "domains must be numbered 1, 2, 3 … in order: expected 3, found 4"
    assert problem.line == line_of(text, "- number: 4", occurrence=1)


def test_an_unknown_evidence_type_is_named(tmp_path):
    data = builtin()
    data["domains"][0]["evidence"].append("crystal-ball")

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == f"domains[0].evidence[{len(data['domains'][0]['evidence']) - 1}]"
    assert problem.message == "unknown evidence type 'crystal-ball'"
    assert problem.line == line_of(text, "- crystal-ball")


def test_an_unknown_source_id_is_named(tmp_path):
    data = builtin()
    data["domains"][3]["items"][2]["source"] = "hearsay"

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "domains[3].items[2].source"
    assert problem.message == "unknown source 'hearsay'"
    assert problem.line == line_of(text, "source: hearsay")


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    data = builtin()
    data["domains"][0]["items"][0]["source"] = "hearsay"
    data["domains"][1]["evidence"].append("crystal-ball")
    data["domains"][4]["number"] = 9

    error, _ = rejection(tmp_path, data)

    assert {p.place for p in error.problems} == {
        "domains[0].items[0].source",
        "domains[1].evidence[7]",
        "domains[4].number",
    }
    assert "3 problem(s)" in str(error)


def test_invalid_yaml_gives_the_line_and_the_reason(tmp_path):
    text = 'slug: ccg-authorisation-2012\ntitle: "A title\nversion: "1"\n  domains: [\n'

    error, _ = rejection(tmp_path, text=text)

    problem = only_problem(error)
    assert problem.message.startswith("is not valid YAML (")
    assert problem.line is not None
    assert f"line {problem.line}, top level: is not valid YAML" in str(error)


def test_yaml_with_a_misplaced_colon_points_at_its_line(tmp_path):
    text = "slug: a\ntitle: b\n  version: c\n"

    error, _ = rejection(tmp_path, text=text)

    # PyYAML says "... not allowed here", libyaml "... not allowed in this context".
    assert str(only_problem(error)).startswith(
        "line 3, top level: is not valid YAML (mapping values are not allowed"
    )


@pytest.mark.parametrize(
    "text", ["- slug: ccg-authorisation-2012\n- title: A list\n", "just some words\n", "42\n"]
)
def test_a_file_that_is_not_a_mapping_is_rejected(tmp_path, text):
    error, _ = rejection(tmp_path, text=text)

    assert str(only_problem(error)) == "top level: must be a mapping of keys such as slug, title, domains"


def test_an_empty_file_says_it_is_empty(tmp_path):
    error, _ = rejection(tmp_path, text="")

    assert only_problem(error).message.startswith("is empty")


def test_a_version_written_as_a_number_asks_for_quotes(tmp_path):
    data = builtin()
    data["version"] = 2

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "version"
    assert problem.message == 'must be text; put it in quotes, like "2"'
    assert problem.line == line_of(text, "version: 2")


@pytest.mark.parametrize(
    ("change", "place", "message"),
    [
        (
            lambda d: d.__setitem__("slug", "CCG Authorisation"),
            "slug",
            "must be lower-case letters, digits and single hyphens",
        ),
        (lambda d: d.__setitem__("title", "   "), "title", "must not be empty"),
        (
            lambda d: d["domains"][0].__setitem__("number", "one"),
            "domains[0].number",
            "must be a whole number (found 'one')",
        ),
        (
            lambda d: d["domains"][0].__setitem__("short_title", "x" * 41),
            "domains[0].short_title",
            "must be at most 40 characters (it has 41)",
        ),
        (
            lambda d: d["domains"][0].__setitem__("items", []),
            "domains[0].items",
            "must have at least 1 entry (it has 0)",
        ),
        (lambda d: d["domains"][0].__setitem__("items", {"1.1": "x"}), "domains[0].items", "must be a list"),
        (
            lambda d: d["domains"].__setitem__(1, "Domain 2"),
            "domains[1]",
            "must be a mapping of keys and values, not text ('Domain 2')",
        ),
        (
            lambda d: d["domains"][0]["items"][0].__setitem__("tier", "later"),
            "domains[0].items[0].tier",
            "should be 'basics' or 'future' (found 'later')",
        ),
        (
            lambda d: d["domains"][0]["items"][0].__setitem__("code", "#1"),
            "domains[0].items[0].code",
            "must start with a letter or digit",
        ),
        (
            lambda d: d.__setitem__("allow_not_applicable", "sometimes"),
            "allow_not_applicable",
            "must be true or false (found 'sometimes')",
        ),
        (
            lambda d: d["rules"]["threshold"].__setitem__("proportion", 1.5),
            "rules.threshold.proportion",
            "less than or equal to 1 (found 1.5)",
        ),
        (
            lambda d: d["rules"]["levels"][0]["requires"].append(
                {"tier": "all", "min_rating": 1, "proportion": 1}
            ),
            "rules",
            "the first level is where every domain starts, so it must have no requirements",
        ),
        (lambda d: d["scale"].reverse(), "scale", "values must be distinct and in ascending order"),
        (
            lambda d: d["sources"].append(dict(d["sources"][0])),
            "sources",
            "the source id 'potential-beyond-authorisation' is used more than once",
        ),
    ],
)
def test_wrong_values_are_explained_in_plain_words(tmp_path, change, place, message):
    data = builtin()
    change(data)

    error, _ = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == place
    assert message in problem.message
    assert "Input should" not in problem.message
    assert "^[" not in problem.message  # no regular expressions shown to people


def test_a_file_too_large_is_refused_before_reading(tmp_path):
    error, _ = rejection(tmp_path, text="#" * (MAX_FILE_BYTES + 1))

    assert "is larger than" in only_problem(error).message


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Café\n".encode("latin-1"))

    with pytest.raises(FrameworkFileError) as info:
        load_file(path)

    assert "is not UTF-8 text" in str(info.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FrameworkFileError) as info:
        load_file(tmp_path / "nowhere.yaml")

    assert "nowhere.yaml" in str(info.value)
    assert "cannot be read" in str(info.value)


def test_the_content_hash_ignores_formatting_but_not_content():
    original = load_text(BUILTIN.read_text(encoding="utf-8"))
    reformatted = load_text(yaml.safe_dump(builtin(), default_flow_style=True, width=80))
    data = builtin()
    data["domains"][0]["items"][0]["text"] += " (revised)"
    changed = load_text(dump(data))

    assert content_hash(reformatted) == content_hash(original)
    assert content_hash(changed) != content_hash(original)


# Importers must turn any input into either a framework or a FrameworkFileError, never a crash.

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(text=st.text(max_size=300))
@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_is_either_a_framework_or_a_clear_rejection(text):
    try:
        load_text(text, filename="fuzz.yaml")
    except FrameworkFileError as error:
        assert error.problems
        assert all(problem.message for problem in error.problems)
        assert str(error).startswith("fuzz.yaml was not imported")


@given(
    domain=st.integers(0, 5),
    key=st.sampled_from(
        [
            "number",
            "title",
            "short_title",
            "description",
            "concern",
            "themes",
            "key_points",
            "evidence",
            "items",
        ]
    ),
    value=yaml_values,
)
@hypothesis_settings(max_examples=150, deadline=None)
def test_any_value_in_any_domain_field_is_accepted_or_rejected_at_that_place(domain, key, value):
    data = builtin()
    data["domains"][domain][key] = value
    try:
        load_text(dump(data), filename="fuzz.yaml")
    except FrameworkFileError as error:
        assert error.problems
        assert any(problem.place.startswith(f"domains[{domain}]") for problem in error.problems), [
            str(p) for p in error.problems
        ]
        assert all(problem.line for problem in error.problems)


@given(
    domain=st.integers(0, 5),
    key=st.sampled_from(["title", "concern", "items", "survey_statements", "number"]),
)
@hypothesis_settings(max_examples=30, deadline=None)
def test_removing_any_required_domain_field_names_it(domain, key):
    data = builtin()
    del data["domains"][domain][key]

    with pytest.raises(FrameworkFileError) as info:
        load_text(dump(data), filename="fuzz.yaml")

    assert f"domains[{domain}].{key}: this field is required" in str(info.value)


def test_a_null_character_is_named_with_its_place_and_line(tmp_path):
    data = builtin()
    data["domains"][1]["title"] = "Clinical\x00 focus"

    error, text = rejection(tmp_path, data)

    problem = only_problem(error)
    assert problem.place == "domains[1].title"
    assert "null character" in problem.message
    assert problem.line == line_of(text, "Clinical\\0 focus")


def test_a_null_character_in_a_key_is_named(tmp_path):
    data = builtin()
    data["domains"][0]["ti\x00tle"] = "x"

    error, _ = rejection(tmp_path, data)

    assert [p.place for p in error.problems] == ["domains[0].ti\x00tle"]
