"""export_data / import_data: a whole deployment round-trips through one archive, and bad imports change nothing."""

from __future__ import annotations

import datetime
import hashlib
import importlib
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assure.accounts.models import User
from assure.assessments.models import Assessment
from assure.core.backup import archive_import, archived_models, stored_files
from assure.evidence.services import EvidenceInput, evidence_add
from assure.frameworks.models import Framework

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def snapshot() -> dict:
    """Every archived row (natural keys for content types and permissions) and every stored file's bytes."""
    rows = {}
    for model in archived_models():
        objects = serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        rows[model._meta.label_lower] = objects
    files = {}
    for name in stored_files():
        with default_storage.open(name, "rb") as handle:
            files[name] = handle.read()
    return {"rows": rows, "files": files}


def empty_the_deployment() -> None:
    """What a new deployment holds after `migrate`: no data but the organisation types and built-in framework."""
    from assure.core.backup import _clear
    from assure.frameworks.signals import load_builtin_frameworks

    _clear(archived_models(), "default")
    importlib.import_module("assure.organisations.migrations.0002_organisation_types").create_types(
        apps, None
    )
    load_builtin_frameworks(sender=None, verbosity=0)
    for name in stored_files():
        default_storage.delete(name)


@pytest.fixture
def busy_demo(demo):
    """The demo region with what people add: evidence with a file, ratings, a token, an admin log entry, a
    permission given to someone (content types and permissions are numbered differently in each deployment)."""
    assessment = Assessment.objects.filter(organisation=demo.ccg).first()
    evidence_type = demo.framework.evidence_types.first()
    evidence_add(
        organisation=demo.ccg,
        user=demo.ccg_lead,
        data=EvidenceInput(
            title="Joint strategic needs assessment",
            evidence_type=evidence_type,
            document_date=datetime.date(2012, 5, 1),
            owner="Director of Public Health",
            upload=SimpleUploadedFile("jsna.png", PNG, content_type="image/png"),
            domains=list(demo.framework.domains.all()[:1]),
        ),
    )
    demo.ccg_staff.user_permissions.add(Permission.objects.get(codename="view_framework"))
    LogEntry.objects.create(
        user=demo.admin,
        content_type=ContentType.objects.get_for_model(Framework),
        object_id=str(demo.framework.pk),
        object_repr=str(demo.framework),
        action_flag=ADDITION,
    )
    from assure.accounts.models import ApiToken

    ApiToken.issue(user=demo.ccg_lead, name="Reporting script")
    return assessment


def test_the_demo_region_round_trips_through_an_archive_exactly(busy_demo, tmp_path, capsys):
    before = snapshot()
    assert before["files"], "the evidence file should be in storage"
    archive = tmp_path / "assure.zip"

    call_command("export_data", str(archive))
    assert "Exported" in capsys.readouterr().out
    empty_the_deployment()
    assert User.objects.count() == 0
    call_command("import_data", str(archive))

    after = snapshot()
    assert after["files"] == before["files"]
    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, f"{label} differs after the round trip"
    assert "Imported" in capsys.readouterr().out


def test_the_archive_is_versioned_and_lists_its_files_with_checksums(busy_demo, tmp_path):
    archive = tmp_path / "assure.zip"
    call_command("export_data", str(archive))

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        assert manifest["format"] == "assure-archive"
        assert manifest["format_version"] == 1
        assert "0001_initial" in manifest["migrations"]["assessments"]
        assert manifest["counts"]["accounts.user"] == User.objects.count()
        for entry in manifest["files"]:
            assert hashlib.sha256(opened.read(f"files/{entry['name']}")).hexdigest() == entry["sha256"]


def test_export_will_not_overwrite_an_existing_file(db, tmp_path):
    target = tmp_path / "exists.zip"
    target.write_text("keep me")

    with pytest.raises(CommandError, match="already exists"):
        call_command("export_data", str(target))
    assert target.read_text() == "keep me"


def test_import_refuses_a_deployment_that_holds_data(busy_demo, tmp_path):
    archive = tmp_path / "assure.zip"
    call_command("export_data", str(archive))
    before = snapshot()

    users = User.objects.count()
    with pytest.raises(
        CommandError, match=rf"This deployment is not empty: it holds .*\b{users} users.*new deployment"
    ):
        call_command("import_data", str(archive))
    assert snapshot() == before


def rewrite(archive: Path, target: Path, *, manifest=None, data=None, files=None, fix_checksum=True) -> Path:
    """A copy of `archive` with its manifest, data or files changed."""
    with zipfile.ZipFile(archive) as source:
        original_manifest = json.loads(source.read("manifest.json"))
        original_data = source.read("data.json")
        original_files = {n: source.read(n) for n in source.namelist() if n.startswith("files/")}
    new_manifest = manifest(original_manifest) if manifest else original_manifest
    new_data = data(original_data) if data else original_data
    if fix_checksum and data:
        new_manifest["data_sha256"] = hashlib.sha256(new_data).hexdigest()
    new_files = files(original_files) if files else original_files
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("manifest.json", json.dumps(new_manifest))
        out.writestr("data.json", new_data)
        for name, content in new_files.items():
            out.writestr(name, content)
    return target


@pytest.fixture
def exported(busy_demo, tmp_path) -> Path:
    archive = tmp_path / "assure.zip"
    call_command("export_data", str(archive))
    empty_the_deployment()
    return archive


def _with(key, value):
    def change(manifest):
        manifest[key] = value
        return manifest

    return change


def _break_a_reference(data: bytes) -> bytes:
    rows = json.loads(data)
    for row in rows:
        if row["model"] == "organisations.membership":
            row["fields"]["organisation"] = 999_999
            break
    return json.dumps(rows).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"manifest": _with("format_version", 99)},
            "format version 99, made by a newer version of Assure",
        ),
        (
            {"manifest": _with("migrations", {"assessments": ["0001_initial", "0099_from_the_future"]})},
            "made by a newer version of Assure: its database has migrations this version does not have "
            r"\(assessments.0099_from_the_future\)",
        ),
        ({"manifest": _with("format", "something-else")}, "This is not an Assure archive"),
        ({"data": lambda d: d[:-10] + b"tampered!!", "fix_checksum": False}, "does not match its manifest"),
        ({"data": _break_a_reference}, "could not be loaded, so nothing was imported"),
        ({"files": lambda files: dict.fromkeys(files, b"changed")}, "is damaged"),
        ({"files": lambda files: {}}, "does not hold it"),
        (
            {"manifest": _with("files", [{"name": "../../etc/passwd", "size": 1, "sha256": "x"}])},
            "unsafe name",
        ),
    ],
)
def test_a_bad_archive_is_refused_and_nothing_is_imported(exported, tmp_path, change, message):
    bad = rewrite(exported, tmp_path / "bad.zip", **change)
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        call_command("import_data", str(bad))

    assert snapshot() == before
    assert User.objects.count() == 0


def _as_before_frameworks_0002(data: bytes) -> bytes:
    """The archive's rows as Assure wrote them before a framework's document had a table of its own."""
    rows = json.loads(data)
    documents = {
        row["pk"]: row["fields"]["document"] for row in rows if row["model"] == "frameworks.importeddocument"
    }
    assert documents, "the archive should hold the frameworks' documents"
    for row in rows:
        if row["model"] == "frameworks.framework":
            row["fields"]["document"] = documents[row["pk"]]
    return json.dumps([row for row in rows if row["model"] != "frameworks.importeddocument"]).encode()


def _without_frameworks_0002(manifest):
    manifest["migrations"]["frameworks"] = [
        m for m in manifest["migrations"]["frameworks"] if m == "0001_initial"
    ]
    return manifest


def test_an_archive_from_before_the_documents_own_table_imports_with_every_document(busy_demo, tmp_path):
    before = snapshot()
    archive = tmp_path / "assure.zip"
    call_command("export_data", str(archive))
    older = rewrite(
        archive, tmp_path / "older.zip", manifest=_without_frameworks_0002, data=_as_before_frameworks_0002
    )
    empty_the_deployment()

    call_command("import_data", str(older))

    after = snapshot()
    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, f"{label} differs after importing the older archive"
    for framework in Framework.objects.all():
        assert framework.imported.document["slug"] == framework.slug


def test_a_file_that_is_not_an_archive_is_refused(db, tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")

    with pytest.raises(CommandError, match="not a zip file"):
        call_command("import_data", str(not_zip))
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_data", str(tmp_path / "missing.zip"))


def test_import_refuses_when_file_storage_is_not_empty(exported):
    default_storage.save("evidence/left-over.txt", SimpleUploadedFile("x.txt", b"x"))

    with pytest.raises(CommandError, match=r"file storage \(MEDIA_ROOT\) already holds 1 file"):
        archive_import_command(exported)


def archive_import_command(path):
    call_command("import_data", str(path))


def test_import_replaces_what_migrate_put_in_with_the_archives(exported):
    archive_import(path=exported)

    assert Framework.objects.filter(slug="ccg-authorisation-2012").count() == 1
    assert User.objects.filter(email="ccg.lead@example.org").exists()
    # And the restored deployment takes new rows: its id sequences continue after the archive's
    newcomer = User.objects.create_user("newcomer@example.org", "a-long-enough-password")
    assert newcomer.pk > max(User.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))
