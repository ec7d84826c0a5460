"""`python manage.py export_data PATH.zip`: the whole deployment (database and uploaded files) as one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assure.core.backup import ArchiveError, archive_export


class Command(BaseCommand):
    help = "Write the whole deployment (database content and uploaded files) to a versioned zip archive."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive to write, e.g. assure-2012-06-30.zip")
        parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")

    def handle(self, *args, path: Path, force: bool, **options):
        if path.exists() and not force:
            raise CommandError(
                f"{path} already exists. Choose another name, or pass --force to overwrite it."
            )
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        try:
            summary = archive_export(path=path)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Exported {summary} to {path}."))
