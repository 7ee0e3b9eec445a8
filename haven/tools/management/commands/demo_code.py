"""Print the current two-factor code of the demo accounts, so a fresh machine needs no authenticator app."""

import base64
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from haven.tools import demo_data as demo


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo accounts (development only: they share the "
        "published demo secret)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HAVEN_ENV == "production":
            raise CommandError(
                "demo_code refuses to run in production (HAVEN_ENV=production): there are no demo accounts there."
            )
        code = totp(base64.b32decode(demo.DEMO_TOTP_SECRET))
        self.stdout.write(f"{code:06d}")
