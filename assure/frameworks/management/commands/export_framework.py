import json

import yaml
from django.core.management.base import BaseCommand, CommandError

from assure.frameworks.models import Framework
from assure.frameworks.services import framework_export


class Command(BaseCommand):
    help = "Print a framework (the latest version unless --version is given) as JSON or YAML."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json", "yaml"], default="json")
        parser.add_argument("--framework-version", dest="framework_version", help="Version to export")

    def handle(self, *args, slug, format, framework_version=None, **options):
        frameworks = Framework.objects.filter(slug=slug)
        if framework_version:
            framework = frameworks.filter(version=framework_version).first()
        else:
            framework = frameworks.latest_versions().first()
        if framework is None:
            known = ", ".join(Framework.objects.values_list("slug", flat=True).distinct()) or "none"
            raise CommandError(
                f"No framework {slug!r}{' version ' + framework_version if framework_version else ''}. Known: {known}."
            )
        data = framework_export(framework=framework)
        if format == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110))
