"""A whole deployment as one versioned zip archive: database content and uploaded files.

    archive_export(path=Path("assure.zip"))          # manage.py export_data assure.zip
    archive_import(path=Path("assure.zip"))          # manage.py import_data assure.zip

The archive holds `manifest.json` (format version, when and by which schema it was made, row counts, files with
their sizes and SHA-256), `data.json` (every model's rows in Django's serialisation, with natural keys for content types,
permissions and people, since each deployment numbers its own content types and permissions) and `files/…` (the default storage: evidence).

An import goes into an empty, migrated deployment only. It refuses a deployment holding people's data, an archive
of a newer format or made by a newer version of Assure (migrations this code does not have), and a damaged
archive, each with a message saying what to do. It runs in one transaction: the rows `migrate` itself puts in (the
built-in framework, the organisation types) are replaced by the archive's, and if anything fails, nothing is kept,
files included.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "assure-archive"
FORMAT_VERSION = 1

# Never archived: rebuilt by `migrate` (content types, permissions), or short-lived and tied to one deployment
# (sessions, sign-in lockouts and their logs).
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
EXCLUDED_APPS = {"axes"}
# Put in by `migrate` itself: present in an empty deployment, replaced by the archive's on import.
SEEDED = {"organisations.organisationtype"}
SEEDED_APPS = {"frameworks"}


class ArchiveError(Exception):
    """A reason to refuse an export or an import, written for the person running the command."""


@dataclass
class ArchiveSummary:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        return f"{self.rows} rows of {len(self.counts)} kinds and {self.files} files"


def archived_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED
        and model._meta.app_label not in EXCLUDED_APPS
        and not model._meta.proxy
        and model._meta.managed
    ]


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(loader.applied_migrations):
        applied.setdefault(app_label, []).append(name)
    return applied


def known_migrations(using: str = DEFAULT_DB_ALIAS) -> set[tuple[str, str]]:
    return set(MigrationLoader(connections[using], ignore_no_migrations=True).disk_migrations)


def stored_files(storage=default_storage, folder: str = "") -> list[str]:
    """Every file in the storage, as names the storage understands, sorted."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names.extend(stored_files(storage, f"{folder}/{sub}" if folder else sub))
    return sorted(names)


def _sha256(handle) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


# Export ---------------------------------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, except that times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def write_rows(path: Path, models: list, using: str) -> None:
    """Every row of `models` as a JSON list, models ordered so natural keys resolve, streamed in chunks."""
    by_app: dict = {}
    for model in models:
        by_app.setdefault(model._meta.app_config, []).append(model)
    ordered = serializers.sort_dependencies(by_app.items(), allow_cycles=True)
    first = True
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for model in ordered:
            rows = model._base_manager.using(using).order_by(model._meta.pk.name).iterator(chunk_size=2000)
            for row in serializers.serialize("python", rows, use_natural_foreign_keys=True):
                out.write(("\n" if first else ",\n") + json.dumps(row, cls=_Encoder, ensure_ascii=False))
                first = False
        out.write("\n]\n")


def upgraded_rows(rows: list) -> list:
    """An older archive's rows in today's shape, where a change of schema moved data between models. Archives made
    before frameworks 0002 hold each framework's document as imported in the framework's row; it now has a table of
    its own (`ImportedDocument`, keyed by its framework)."""
    upgraded = []
    for row in rows:
        fields = row.get("fields") if isinstance(row, dict) else None
        if isinstance(fields, dict) and row.get("model") == "frameworks.framework" and "document" in fields:
            fields = dict(fields)
            document = {"document": fields.pop("document")}
            upgraded.append({**row, "fields": fields})
            upgraded.append({"model": "frameworks.importeddocument", "pk": row.get("pk"), "fields": document})
        else:
            upgraded.append(row)
    return upgraded


def load_rows(rows: list, using: str) -> None:
    """Save deserialised rows as they were (primary keys kept), then check every reference and reset sequences.
    Foreign keys are checked at the end: Django creates them deferrable on SQLite and PostgreSQL."""
    connection = connections[using]
    waiting = []
    models = set()
    for obj in serializers.deserialize("python", rows, using=using, handle_forward_references=True):
        obj.save(using=using)
        models.add(type(obj.object))
        if obj.deferred_fields:
            waiting.append(obj)
    for obj in waiting:
        obj.save_deferred_fields(using=using)
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.check_constraints(table_names=[m._meta.db_table for m in models])


def archive_export(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> ArchiveSummary:
    """Write the whole deployment to `path` (a new zip file), consistently: the rows are read in one transaction."""
    path = Path(path)
    summary = ArchiveSummary(path=path)
    models = archived_models()
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.json"
        with transaction.atomic(using=using):
            summary.counts = {m._meta.label_lower: m._base_manager.using(using).count() for m in models}
            write_rows(data_path, models, using)
        files = []
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(data_path, "data.json")
            for name in stored_files():
                with default_storage.open(name, "rb") as handle:
                    digest, size = _sha256(handle)
                    handle.seek(0)
                    with archive.open(f"files/{name}", "w", force_zip64=True) as target:
                        for chunk in iter(lambda h=handle: h.read(1024 * 1024), b""):
                            target.write(chunk)
                files.append({"name": name, "size": size, "sha256": digest})
            with data_path.open("rb") as handle:
                data_digest, _ = _sha256(handle)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connections[using].vendor,
                "migrations": applied_migrations(using),
                "counts": summary.counts,
                "data_sha256": data_digest,
                "files": files,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
        partial.replace(path)  # a crash mid-way never leaves a file that looks like a finished archive
    summary.files = len(files)
    return summary


# Import ---------------------------------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise ArchiveError("This is not an Assure archive: it has no manifest.json.") from None
    except (ValueError, UnicodeDecodeError):
        raise ArchiveError("The archive's manifest.json is damaged: it is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("This is not an Assure archive: its manifest does not say it is one.")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise ArchiveError("The archive's manifest has no format version.")
    if version > FORMAT_VERSION:
        raise ArchiveError(
            f"The archive is in format version {version}, made by a newer version of Assure; this one reads "
            f"version {FORMAT_VERSION} and older. Upgrade Assure, then import it again."
        )
    return manifest


def check_schema(manifest: dict, using: str) -> None:
    archived = {(app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names}
    unknown = sorted(archived - known_migrations(using))
    if unknown:
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise ArchiveError(
            f"The archive was made by a newer version of Assure: its database has migrations this version does "
            f"not have ({shown}). Upgrade Assure to the version that made it, then import it again."
        )
    applied = {(app, name) for app, names in applied_migrations(using).items() for name in names}
    if known_migrations(using) - applied:
        raise ArchiveError(
            "This database is not fully migrated. Run `python manage.py migrate`, then import."
        )


def builtin_framework_slugs() -> set[str]:
    slugs = set()
    for path in sorted(Path(settings.FRAMEWORKS_DIR).glob("*.yaml")):
        try:
            slugs.add(str(yaml.safe_load(path.read_text(encoding="utf-8"))["slug"]))
        except (OSError, yaml.YAMLError, KeyError, TypeError):
            continue
    return slugs


def check_empty(using: str) -> None:
    """Refuse a deployment that holds anything beyond what `migrate` puts in."""
    held = []
    for model in archived_models():
        label = model._meta.label_lower
        if label in SEEDED or model._meta.app_label in SEEDED_APPS:
            continue
        count = model._base_manager.using(using).count()
        if count:
            held.append(
                f"{count} {model._meta.verbose_name_plural if count > 1 else model._meta.verbose_name}"
            )
    Framework = apps.get_model("frameworks", "Framework")
    extra = Framework._base_manager.using(using).exclude(slug__in=builtin_framework_slugs()).count()
    if extra:
        held.append(f"{extra} imported framework{'s' if extra > 1 else ''}")
    if held:
        raise ArchiveError(
            "This deployment is not empty: it holds "
            + ", ".join(held[:6])
            + (" and more" if len(held) > 6 else "")
            + ". Import only into a new deployment: create an empty database, run `python manage.py migrate`, "
            "then import."
        )
    files = stored_files()
    if files:
        raise ArchiveError(
            f"The file storage (MEDIA_ROOT) already holds {len(files)} file{'s' if len(files) > 1 else ''}. "
            "Import only into a new deployment with empty file storage."
        )


def _safe_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise ArchiveError("The archive's manifest lists a file without a name.")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        raise ArchiveError(f"The archive lists a file with an unsafe name: {name!r}.")
    return name


def _clear(models: list, using: str) -> None:
    """Empty the archived models' tables (and their many-to-many tables) inside the current transaction."""
    connection = connections[using]
    tables = set()
    for model in models:
        tables.add(model._meta.db_table)
        for m2m in model._meta.local_many_to_many:
            if m2m.remote_field.through._meta.auto_created:
                tables.add(m2m.remote_field.through._meta.db_table)
    existing = set(connection.introspection.table_names())
    # DELETE rather than TRUNCATE: it works inside any transaction, and foreign keys are checked at the end.
    with connection.cursor() as cursor:
        for table in sorted(tables & existing):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names


def archive_import(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> ArchiveSummary:
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ArchiveError(f"There is no file {path}.") from None
    except zipfile.BadZipFile:
        raise ArchiveError(f"{path} is not a zip file, or it is damaged.") from None
    with archive:
        manifest = read_manifest(archive)
        check_schema(manifest, using)
        check_empty(using)
        files = manifest.get("files") or []
        names = [_safe_name(entry.get("name") if isinstance(entry, dict) else None) for entry in files]
        try:
            data = archive.read("data.json")
        except KeyError:
            raise ArchiveError("The archive has no data.json: it is incomplete.") from None
        if hashlib.sha256(data).hexdigest() != manifest.get("data_sha256"):
            raise ArchiveError("The archive's data.json does not match its manifest: the archive is damaged.")
        summary = ArchiveSummary(path=path, counts=dict(manifest.get("counts") or {}), files=len(files))
        written: list[str] = []
        try:
            with transaction.atomic(using=using):
                _clear(archived_models(), using)
                try:
                    rows = json.loads(data)
                    if not isinstance(rows, list):
                        raise DeserializationError("data.json does not hold a list of rows")
                    load_rows(upgraded_rows(rows), using)
                except (DeserializationError, DatabaseError, ValueError, TypeError, LookupError) as exc:
                    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise ArchiveError(
                        f"The archive's data could not be loaded, so nothing was imported: {first_line}"
                    ) from exc
                for entry, name in zip(files, names, strict=True):
                    try:
                        handle = archive.open(f"files/{name}")
                    except KeyError:
                        raise ArchiveError(
                            f"The archive lists the file {name} but does not hold it."
                        ) from None
                    with handle:
                        content = handle.read()
                    if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
                        raise ArchiveError(
                            f"The file {name} in the archive is damaged (its checksum differs)."
                        )
                    saved = default_storage.save(name, File(io.BytesIO(content), name=name))
                    written.append(saved)
                    if saved != name:
                        raise ArchiveError(f"The file {name} could not be restored under its own name.")
        except Exception:
            for name in written:
                default_storage.delete(name)
            raise
    return summary
