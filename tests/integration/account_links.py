"""Reading the one-time link out of a mail, as its owner would click it."""

import re

from django.core.mail import EmailMessage

LINK = re.compile(r"/wachtwoord/instellen/([A-Za-z0-9_-]+)/")


def token_in(message: EmailMessage) -> str:
    match = LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1)
