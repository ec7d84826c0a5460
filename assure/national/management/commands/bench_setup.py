import json

from django.core.management.base import BaseCommand, CommandError

from assure.accounts.models import ApiToken, User
from assure.national.targets import NoNationalDataset, targets

TOKEN_NAME = "Benchmark"


class Command(BaseCommand):
    help = (
        "Print, as JSON, what `make bench` points at in the national dataset (the demo CCG's self-assessments, "
        "items and evidence) and fresh API tokens for the given demo logins. Exits with status 3 when there is "
        "no national dataset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--token", action="append", default=[], metavar="EMAIL", help="Issue an API token."
        )

    def handle(self, *args, token: list[str], **options):
        try:
            found = targets()
        except NoNationalDataset as exc:
            self.stderr.write(str(exc))
            raise SystemExit(3) from None
        tokens = {}
        for email in token:
            user = User.objects.filter(email=email).first()
            if user is None:
                raise CommandError(f"No user {email}.")
            ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()  # the previous run's
            tokens[email] = ApiToken.issue(user=user, name=TOKEN_NAME)[1]
        self.stdout.write(json.dumps({**found, "tokens": tokens}))
