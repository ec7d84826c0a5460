"""Importing and exporting frameworks: through `framework_import` and the management commands."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from assure.cycles.tests.factories import CycleFactory
from assure.frameworks import models
from assure.frameworks.loader import FrameworkFileError
from assure.frameworks.services import ImportOutcome, framework_export, framework_import

pytestmark = pytest.mark.django_db

SLUG = "ccg-authorisation-2012"
BUILTIN = Path(settings.FRAMEWORKS_DIR) / f"{SLUG}.yaml"
BUILTIN_DATA = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
CONTENT_MODELS = [
    models.Framework,
    models.Source,
    models.EvidenceType,
    models.Domain,
    models.DomainEvidence,
    models.Theme,
    models.KeyPoint,
    models.Item,
    models.SurveyStatement,
]


def builtin() -> dict:
    return copy.deepcopy(BUILTIN_DATA)


def write(tmp_path: Path, data: dict, name: str = "framework.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CONTENT_MODELS}


def stored() -> models.Framework:
    return models.Framework.objects.get(slug=SLUG, version="1")


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_framework", *args, stdout=out)
    return out.getvalue()


def test_the_builtin_framework_is_in_every_database_after_migrate():
    framework = stored()

    assert framework.items.count() == 77
    assert framework.source_path == "frameworks/ccg-authorisation-2012.yaml"
    assert models.Framework.objects.filter(slug=SLUG).count() == 1


def test_a_rejected_file_writes_nothing(tmp_path):
    data = builtin()
    data["slug"] = "another-framework"
    data["domains"][5]["items"][0]["source"] = "hearsay"
    before = counts()

    with pytest.raises(FrameworkFileError) as info:
        framework_import(path=write(tmp_path, data))

    assert "unknown source 'hearsay'" in str(info.value)
    assert counts() == before
    assert not models.Framework.objects.filter(slug="another-framework").exists()


def test_a_rejected_file_through_the_command_is_a_command_error_naming_file_and_problem(tmp_path):
    data = builtin()
    data["domains"][0]["colour"] = "blue"
    path = write(tmp_path, data, "coloured.yaml")
    before = counts()

    with pytest.raises(CommandError) as info:
        call_command("import_framework", str(path), stdout=StringIO())

    message = str(info.value)
    assert "coloured.yaml was not imported" in message
    assert "domains[0].colour: unknown key 'colour'" in message
    assert counts() == before


def test_reimporting_the_same_file_changes_nothing():
    framework = stored()
    before = counts()

    result = framework_import(path=BUILTIN)

    assert result.outcome is ImportOutcome.UNCHANGED
    again = stored()
    assert again.pk == framework.pk
    assert again.public_id == framework.public_id
    assert again.imported_at == framework.imported_at
    assert counts() == before


def test_reimporting_with_only_formatting_changes_is_unchanged(tmp_path):
    framework = stored()
    reformatted = tmp_path / "reformatted.yaml"
    reformatted.write_text(yaml.safe_dump(builtin(), default_flow_style=True), encoding="utf-8")

    result = framework_import(path=reformatted)

    assert result.outcome is ImportOutcome.UNCHANGED
    assert stored().imported_at == framework.imported_at


def test_the_import_command_reports_an_unchanged_file():
    out = StringIO()

    call_command("import_framework", str(BUILTIN), stdout=out)

    assert out.getvalue().strip() == f"Framework {SLUG} version 1: unchanged"


@pytest.fixture
def unused(tmp_path):
    """A copy of the built-in framework under another slug, imported and used by no cycle."""
    data = builtin()
    data["slug"] = "unused-framework"
    data["title"] = "A framework no cycle uses"
    framework_import(path=write(tmp_path, data, "unused.yaml"))
    return data


def test_a_changed_file_for_an_unused_version_replaces_it_keeping_its_public_id(tmp_path, unused):
    old = models.Framework.objects.get(slug="unused-framework")
    before = counts()
    unused["title"] = "A framework no cycle uses (corrected)"
    unused["domains"][0]["items"][0]["text"] = "The CCG and HWB share a complementary vision."

    result = framework_import(path=write(tmp_path, unused))

    assert result.outcome is ImportOutcome.REPLACED
    new = models.Framework.objects.get(slug="unused-framework")
    assert new.public_id == old.public_id
    assert new.title == "A framework no cycle uses (corrected)"
    assert new.items.get(code="1.1").text == "The CCG and HWB share a complementary vision."
    assert new.imported_at >= old.imported_at
    assert counts() == before  # replaced, not added to
    assert stored().title == BUILTIN_DATA["title"]  # other frameworks untouched


def test_the_import_command_reports_a_replacement(tmp_path, unused):
    unused["summary"] = "A shorter summary."
    out = StringIO()

    call_command("import_framework", str(write(tmp_path, unused)), stdout=out)

    assert out.getvalue().strip() == "Framework unused-framework version 1: replaced"
    assert models.Framework.objects.get(slug="unused-framework").summary == "A shorter summary."


def test_a_changed_file_for_a_version_a_cycle_uses_is_refused(tmp_path, demo):
    old = stored()
    assert demo.cycle.framework == old  # the demo region's cycle runs the built-in framework
    before = counts()
    data = builtin()
    data["domains"][0]["items"][0]["text"] = "Something else entirely."

    with pytest.raises(FrameworkFileError) as info:
        framework_import(path=write(tmp_path, data))

    message = str(info.value)
    assert "version 1 of ccg-authorisation-2012 is used by a cycle (" in message
    assert demo.cycle.name in message
    assert "give the changed file a new version and import it" in message
    assert counts() == before
    unchanged = stored()
    assert (unchanged.pk, unchanged.content_hash, unchanged.imported_at) == (
        old.pk,
        old.content_hash,
        old.imported_at,
    )
    assert unchanged.items.get(code="1.1").text != "Something else entirely."


def test_the_import_command_refuses_a_changed_version_a_cycle_uses(tmp_path, unused):
    CycleFactory(name="Test wave", framework=models.Framework.objects.get(slug="unused-framework"))
    unused["title"] = "Edited in place"

    with pytest.raises(CommandError) as info:
        call_command("import_framework", str(write(tmp_path, unused)), stdout=StringIO())

    assert "used by a cycle (Test wave)" in str(info.value)
    assert "give the changed file a new version and import it" in str(info.value)
    assert models.Framework.objects.get(slug="unused-framework").title == "A framework no cycle uses"


def test_reimporting_an_unchanged_version_a_cycle_uses_is_fine():
    CycleFactory(framework=stored())

    assert framework_import(path=BUILTIN).outcome is ImportOutcome.UNCHANGED


def test_a_new_version_is_added_alongside_and_becomes_the_latest(tmp_path):
    cycle = CycleFactory(framework=stored())
    before = counts()
    data = builtin()
    data["version"] = "2"
    data["title"] = "CCG authorisation framework, version 2"

    result = framework_import(path=write(tmp_path, data))

    assert result.outcome is ImportOutcome.CREATED
    assert str(result) == f"{SLUG} version 2: created"
    assert sorted(models.Framework.objects.filter(slug=SLUG).values_list("version", flat=True)) == ["1", "2"]
    assert counts()["Item"] == before["Item"] + 77
    assert models.Framework.objects.latest_versions().get(slug=SLUG).version == "2"
    cycle.refresh_from_db()
    assert cycle.framework.version == "1"  # the cycle keeps the version it started with


def test_import_from_text_names_the_given_filename():
    with pytest.raises(FrameworkFileError) as info:
        framework_import(text="slug: [", filename="upload.yaml")

    assert str(info.value).startswith("upload.yaml was not imported")


def test_import_needs_exactly_one_of_path_or_text():
    with pytest.raises(ValueError, match="either path or text"):
        framework_import()


# Export


def test_export_json_has_the_documented_shape():
    data = json.loads(export(SLUG))

    assert {"slug", "title", "version", "sources", "scale", "rules", "domains"} <= data.keys()
    assert (data["slug"], data["version"]) == (SLUG, "1")
    assert data["title"] == BUILTIN_DATA["title"]
    assert [{"id": s["id"], "title": s["title"]} for s in data["sources"]] == [
        {"id": "potential-beyond-authorisation", "title": BUILTIN_DATA["sources"][0]["title"]},
        {"id": "hwb-ccg-relationships", "title": BUILTIN_DATA["sources"][1]["title"]},
    ]
    assert [(p["value"], p["label"]) for p in data["scale"]] == [
        (0, "Not yet in place"),
        (1, "Emerging"),
        (2, "In place"),
        (3, "Embedded"),
    ]
    assert all(p["description"] for p in data["scale"])
    assert data["rules"]["threshold"] == {"tier": "basics", "min_rating": 2, "proportion": 1.0}
    assert [level["label"] for level in data["rules"]["levels"]] == [
        "Below threshold",
        "Basics built",
        "Developing together",
        "Beyond authorisation",
    ]


def test_export_json_domains_are_in_number_order_with_all_their_content():
    data = json.loads(export(SLUG))
    evidence_titles = {e["code"]: e["title"] for e in BUILTIN_DATA["evidence_types"]}

    assert [d["number"] for d in data["domains"]] == [1, 2, 3, 4, 5, 6]
    for domain, source in zip(data["domains"], BUILTIN_DATA["domains"], strict=True):
        assert {
            "number",
            "title",
            "short_title",
            "concern",
            "description",
            "themes",
            "key_points",
            "evidence",
            "items",
            "survey_statements",
        } <= domain.keys()
        assert domain["title"] == source["title"]
        assert domain["short_title"] == source["short_title"]
        assert domain["concern"] == source["concern"]
        assert domain["description"] == source["description"]
        assert [set(t) >= {"title", "text"} for t in domain["themes"]] == [True] * len(source["themes"])
        assert [t["title"] for t in domain["themes"]] == [t["title"] for t in source["themes"]]
        assert domain["key_points"] == [k["text"] for k in source["key_points"]]
        assert all(isinstance(k, str) for k in domain["key_points"])
        assert domain["evidence"] == [evidence_titles[code] for code in source["evidence"]]
        assert [{k: i[k] for k in ("code", "tier", "text", "source")} for i in domain["items"]] == [
            {k: i[k] for k in ("code", "tier", "text", "source")} for i in source["items"]
        ]
        assert [{"code": s["code"], "text": s["text"]} for s in domain["survey_statements"]] == [
            {"code": s["code"], "text": s["text"]} for s in source["survey_statements"]
        ]


def test_export_yaml_gives_the_same_content_as_json():
    as_json = json.loads(export(SLUG))
    as_yaml = yaml.safe_load(export(SLUG, "--format", "yaml"))

    assert as_yaml == as_json


def test_export_round_trips_through_the_service():
    assert json.loads(export(SLUG)) == json.loads(json.dumps(framework_export(framework=stored())))


def test_export_gives_the_latest_version_unless_asked(tmp_path):
    data = builtin()
    data["version"] = "2"
    data["title"] = "Version two"
    framework_import(path=write(tmp_path, data))

    assert json.loads(export(SLUG))["title"] == "Version two"
    assert json.loads(export(SLUG, "--framework-version", "1"))["title"] == BUILTIN_DATA["title"]


def test_export_of_an_unknown_slug_names_it():
    with pytest.raises(CommandError) as info:
        export("no-such-framework")

    assert "'no-such-framework'" in str(info.value)
    assert SLUG in str(info.value)  # and says which frameworks there are


def test_export_of_an_unknown_version_names_it():
    with pytest.raises(CommandError, match="version 9"):
        export(SLUG, "--framework-version", "9")
