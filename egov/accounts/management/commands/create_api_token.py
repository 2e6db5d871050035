"""Issue an API token for an integration account and print it once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.accounts import services
from egov.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print the raw token (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. the integrating system.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is inactive; its tokens would not work.")
        token, raw = services.create_api_token(user, name=options["name"], created_by=None)
        self.stdout.write(raw)
        self.stderr.write(f"Token {token.prefix}… created; store it now, it cannot be shown again.")
