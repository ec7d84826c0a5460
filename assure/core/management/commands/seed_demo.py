from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assure.core.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Build the demo region (London-like: six CCGs, HWBs, boroughs, practices) and its logins. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (demo logins have a known password).",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password, so it only runs with DEBUG on. "
                "Use --force if you really want the demo region on this installation."
            )
        try:
            logins = seed_demo()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS("Demo region ready. Sign in at http://127.0.0.1:8000/accounts/login/ with:")
        )
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}")
        self.stdout.write(f"Every demo login has the password: {DEMO_PASSWORD}")
