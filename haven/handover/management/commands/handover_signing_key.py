"""Show this installation's public signing key, or make a new private key (docs/handover-package.md)."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from haven.handover import signing
from haven.organisations.models import School


class Command(BaseCommand):
    help = (
        "Prints this installation's public key for handover packages and the line a receiving installation "
        "adds to its HAVEN_TRUSTED_INSTALLATIONS. With --new: prints a new private key for HAVEN_SIGNING_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="", help="The name the receiving installation shows for this one.")
        parser.add_argument("--new", action="store_true", help="Print a new random private key and nothing else.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"]:
            self.stdout.write(signing.encode(os.urandom(32)))
            return
        key = signing.public_key()
        brins = "+".join(School.objects.order_by("brin_code").values_list("brin_code", flat=True))
        name = options["name"].replace(":", " ").replace(",", " ").strip() or "<name>"
        self.stdout.write(f"public key: {key}")
        self.stdout.write(f"trusted installation entry: {name}:{key}:{brins}")
