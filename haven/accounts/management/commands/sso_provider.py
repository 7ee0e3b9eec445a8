"""`python manage.py sso_provider SLUG --name ... --issuer ... --client-id ... --secret-env ...`: configure sign-in
with a school's or board's own accounts (OpenID Connect; docs/sso.md). Run again with the same SLUG to change it;
`--list` shows what is configured. The secret itself stays in the environment variable named by --secret-env.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator, validate_slug

from haven.accounts import sso
from haven.accounts.models import IdentityProvider
from haven.organisations.models import Board, School


class Command(BaseCommand):
    help = "Configure an OpenID Connect provider (Entra ID, Google Workspace, Entree Federatie) for schools or a board."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="A short identifier, e.g. zonnedal-entra (letters, digits, -).")
        parser.add_argument("--list", action="store_true", help="List the configured providers.")
        parser.add_argument("--name", help="The text on the sign-in button, e.g. 'Microsoft 365 van Zonnedal'.")
        parser.add_argument("--issuer", help="The provider's issuer URL, exactly as in its discovery document.")
        parser.add_argument("--client-id", help="The client (application) id Haven has at the provider.")
        parser.add_argument("--secret-env", help="The environment variable that holds the client secret.")
        parser.add_argument("--schools", default="", help="BRIN codes of the schools it serves, comma-separated.")
        parser.add_argument("--board", default="", help="The name of a board: it then serves all its schools.")
        parser.add_argument("--scopes", default="openid email profile")
        parser.add_argument("--mfa-amr", default="", help="amr values that mean two factors were used, e.g. 'mfa'.")
        parser.add_argument("--mfa-acr", default="", help="acr values that mean two factors were used.")
        parser.add_argument("--passwords-off", action="store_true", help="Its schools' staff may not use passwords.")
        parser.add_argument("--inactive", action="store_true", help="Switch the provider off (its button goes).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for provider in IdentityProvider.objects.prefetch_related("schools").select_related("board"):
                schools = ", ".join(s.brin_code for s in provider.schools.all())
                board_name = provider.board.name if provider.board else "-"
                state = "active" if provider.active else "inactive"
                passwords = "off" if provider.passwords_off else "on"
                self.stdout.write(
                    f"{provider.slug}: {provider.name} ({state}); issuer {provider.issuer}; "
                    f"client {provider.client_id}; secret in ${provider.secret_env}; board {board_name}; "
                    f"schools {schools or '-'}; MFA amr [{provider.mfa_amr}] acr [{provider.mfa_acr}]; "
                    f"passwords {passwords}"
                )
            return
        slug = options["slug"] or ""
        try:
            validate_slug(slug)
            URLValidator(schemes=["https", "http"])(options["issuer"] or "")
        except ValidationError as e:
            raise CommandError(f"Give a valid SLUG and --issuer URL ({' '.join(e.messages)}).") from e
        for required in ("name", "client_id", "secret_env"):
            if not options[required]:
                raise CommandError(f"--{required.replace('_', '-')} is required.")
        if not options["secret_env"].replace("_", "").isalnum():
            raise CommandError(
                "--secret-env is the NAME of an environment variable (letters, digits, _), not the secret."
            )
        brins = [b.strip().upper() for b in options["schools"].split(",") if b.strip()]
        served: list[School] = list(School.objects.filter(brin_code__in=brins))
        missing = set(brins) - {school.brin_code for school in served}
        if missing:
            raise CommandError(f"No school with BRIN code {', '.join(sorted(missing))}.")
        board: Board | None = None
        if options["board"]:
            board = Board.objects.filter(name=options["board"]).first()
            if board is None:
                raise CommandError(f"There is no board named {options['board']!r}.")
        if not served and board is None:
            raise CommandError("Give --schools or --board: the provider must serve at least one school.")
        provider = sso.save_provider(
            slug=slug,
            name=options["name"],
            issuer=options["issuer"],
            client_id=options["client_id"],
            secret_env=options["secret_env"],
            schools=served,
            board=board,
            scopes=options["scopes"],
            mfa_amr=options["mfa_amr"],
            mfa_acr=options["mfa_acr"],
            passwords_off=options["passwords_off"],
            active=not options["inactive"],
        )
        self.stdout.write(f"Saved {provider.slug}: it serves {sso.schools_served(provider).count()} school(s).")
