from django.core.management.base import BaseCommand, CommandError

from assure.frameworks.loader import FrameworkFileError
from assure.frameworks.services import framework_import


class Command(BaseCommand):
    help = "Validate and import one framework file (YAML). Nothing is written unless the whole file is valid."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path to the framework's YAML file")

    def handle(self, *args, path, **options):
        try:
            result = framework_import(path=path)
        except FrameworkFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Framework {result}"))
