from django.core.management.base import BaseCommand, CommandError

from assure.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create a personal API token for a person and print it. Only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command-line token")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No person with the email address {email!r}.")
        if not user.is_active:
            raise CommandError(f"{email} is switched off; switch the account on before giving it a token.")
        _, token = ApiToken.issue(user=user, name=name)
        self.stdout.write(token)
