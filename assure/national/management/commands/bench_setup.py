import json

from django.core.management.base import BaseCommand, CommandError

from assure.accounts.models import ApiToken, User
from assure.national.targets import NoNationalDataset, respondent_links, targets

TOKEN_NAME = "Benchmark"


class Command(BaseCommand):
    help = (
        "Print, as JSON, what `make bench` points at in the national dataset (the demo CCG's self-assessments, "
        "items and evidence, its partnership review and surveys), fresh API tokens for the given demo logins and "
        "fresh respondent links to its open survey. Exits with status 3 when there is "
        "no national dataset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--token", action="append", default=[], metavar="EMAIL", help="Issue an API token."
        )
        parser.add_argument(
            "--links",
            type=int,
            default=0,
            help="Make this many respondent links (stakeholders who have not responded yet).",
        )

    def handle(self, *args, token: list[str], links: int, **options):
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
        made = respondent_links(links) if links else []
        if links and not made:
            raise CommandError("Every stakeholder of the open survey has responded: run seed_national again.")
        self.stdout.write(json.dumps({**found, "tokens": tokens, "links": made}))
