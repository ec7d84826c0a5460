"""Fuzzing the framework importer end to end (file text -> database): any input is either imported whole or
refused with a FrameworkFileError naming the problems, and a refused file leaves the database as it was."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assure.frameworks import models
from assure.frameworks.loader import FrameworkFileError
from assure.frameworks.services import framework_import

BUILTIN = Path(settings.FRAMEWORKS_DIR) / "ccg-authorisation-2012.yaml"
BUILTIN_DATA = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _paths(value, prefix=()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


PATHS = _paths(BUILTIN_DATA)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.text(min_size=200, max_size=600),  # longer than any short field
    st.sampled_from(["1.1", "basics", "future", "2012", "0", "-1", "in-place", "ccg-authorisation-2012"]),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
edits = st.lists(
    st.tuples(st.sampled_from(["replace", "delete", "duplicate"]), st.sampled_from(PATHS), values),
    min_size=1,
    max_size=4,
)


def _apply(data, edit) -> None:
    operation, path, value = edit
    parent = data
    for key in path[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return  # an earlier edit removed the way there
    key = path[-1]
    try:
        if operation == "replace":
            parent[key] = value
        elif operation == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[key] = copy.deepcopy(parent[key])
    except (KeyError, IndexError, TypeError):
        return


def _stored() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            models.Framework,
            models.Source,
            models.EvidenceType,
            models.Domain,
            models.DomainEvidence,
            models.Theme,
            models.KeyPoint,
            models.Item,
            models.SurveyStatement,
        )
    }


def _import_and_check(text: str) -> None:
    """Import inside a savepoint that is always rolled back, so every example starts from the same database."""
    with transaction.atomic():
        before = _stored()
        try:
            result = framework_import(text=text, filename="fuzz.yaml")
        except FrameworkFileError as error:
            assert error.problems
            assert all(str(problem) for problem in error.problems)
            assert _stored() == before, "a refused file changed the database"
        else:
            framework = result.framework
            document = framework.spec
            assert framework.domains.count() == len(document.domains)
            assert framework.items.count() == sum(len(d.items) for d in document.domains)
        transaction.set_rollback(True)


@pytest.mark.django_db
@FUZZ
@given(edits=edits, slug=st.sampled_from(["ccg-authorisation-2012", "fuzzed-framework"]))
def test_any_edit_of_a_framework_file_is_imported_whole_or_refused_without_a_trace(edits, slug):
    data = copy.deepcopy(BUILTIN_DATA)
    data["slug"] = slug
    for edit in edits:
        _apply(data, edit)

    _import_and_check(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@pytest.mark.django_db
@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=400),
        st.binary(max_size=400).map(lambda b: b.decode("utf-8", "replace")),
        st.sampled_from(
            [
                "a: &a [*a]",  # a recursive alias
                "!!python/object:os.system {}",  # an unsafe tag
                "{" * 200,
                "slug: x\n" * 3,
                "\ufeffslug: x",
                "- 1\n- 2",
                "~",
            ]
        ),
    )
)
def test_any_text_is_imported_whole_or_refused_without_a_trace(text):
    _import_and_check(text)


@pytest.mark.django_db
def test_a_truncated_framework_file_is_refused_without_a_trace():
    text = BUILTIN.read_text(encoding="utf-8")
    for cut in range(100, len(text), max(1, len(text) // 40)):
        _import_and_check(text[:cut])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "a: &a [*a]",
        "domains: &d [*d]\nslug: x",
        "[" * 5000 + "]" * 5000,
        "a:\n" + "".join("  " * i + "- \n" for i in range(1, 400)),
    ],
    ids=["alias-to-itself", "domains-alias-to-itself", "deep-flow", "deep-block"],
)
def test_self_referring_or_deeply_nested_files_are_refused_not_crashed(text):
    """Found by the fuzzer: an alias referring to itself sent the line index into endless recursion."""
    with pytest.raises(FrameworkFileError):
        framework_import(text=text, filename="odd.yaml")
