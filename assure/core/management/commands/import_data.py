"""`python manage.py import_data PATH.zip`: restore an archive from export_data into an empty, migrated deployment."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assure.core.backup import ArchiveError, archive_import


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_data into a new deployment: an empty database that has been "
        "migrated, and empty file storage. Nothing is changed unless the whole archive is restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive written by export_data")

    def handle(self, *args, path: Path, **options):
        try:
            summary = archive_import(path=path)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {summary} from {path}."))
