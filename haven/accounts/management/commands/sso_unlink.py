"""`python manage.py sso_unlink USERNAME`: remove the school accounts linked to a Haven account.

For when a person's school account changed (a new tenant, a new Google account) or was linked by
mistake. The person then links again by signing in with the school's account from a new invitation
(the functional administrator sends it from the staff page). Audited.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.accounts import sso
from haven.accounts.models import User


class Command(BaseCommand):
    help = "Remove the school accounts (OpenID Connect identities) linked to a Haven account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no account {options['username']!r}.")
        removed = sso.unlink_identities(user)
        self.stdout.write(f"Removed {removed} linked school account(s) of {user.username}.")
