"""Reminder e-mails, sent through a real SMTP server (aiosmtpd on 127.0.0.1) by the real command.

One mail per person per run, only for tasks due today or overdue that were never mentioned
before; never anything about the case (no pupil, no dossier, no task title); and a mail that
could not be sent leaves nothing recorded, so the next run sends it.
"""

import email
import re
import socket
import subprocess
import sys
from datetime import timedelta
from email import policy
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.tasks.models import ReminderSent
from haven.tasks.registry import tasks_for
from tests.system import clean_environment

BASE_URL = "https://haven.example.org"
SUBJECT_NL = "Er staat iets voor je klaar in Haven"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, settings):
        self.settings = settings
        self.handler = Collector()
        self.controller = None
        self.start()

    def start(self):
        port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)
        self.controller.start()
        self.settings.EMAIL_PORT = port

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return [email.message_from_bytes(e.original_content, policy=policy.default) for e in self.handler.envelopes]

    def recipients(self):
        return sorted(r for e in self.handler.envelopes for r in e.rcpt_tos)

    def clear(self):
        self.handler.envelopes.clear()


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Haven <haven@school.example>"
    settings.HAVEN_BASE_URL = BASE_URL
    server = SMTPServer(settings)
    yield server
    server.stop()


@pytest.fixture
def people(cast):
    """Everyone in the cast gets an e-mail address: name@school.example."""
    for name, user in cast.users.items():
        user.email = f"{name}@school.example"
        user.save(update_fields=["email"])
    return cast


@pytest.fixture
def on_day(monkeypatch):
    real = timezone.localdate

    def set_today(day):
        monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else day)

    return set_today


def run() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def addresses(*names):
    return sorted(f"{name}@school.example" for name in names)


@pytest.fixture
def work(people, on_day):
    """A dossier about Sanne de Vries, quiet for six weeks and a day (the AF leads it), and a request
    to look along at a signal about her brother Daan from the day it was opened: due for the IB, the
    AF and the school leader."""
    case = people.case(author="teacher", by="af")
    request = services.request_look_along(people.actor("teacher2"), people.signal("teacher2", pupil=people.sibling))
    on_day(timezone.localdate() + timedelta(weeks=6, days=1))
    return case, request


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_one_mail_per_person_with_tasks_due(smtp, work):
    output = run()
    assert smtp.recipients() == addresses("af", "ib", "leader")
    assert len(smtp.messages) == 3
    assert "Reminders sent: 3 mails" in output
    # The AF has two tasks (the quiet dossier and the request) and still gets one mail.
    case, request = work
    deadline = timezone.localtime(case.opened_at).date() + timedelta(weeks=6)
    year, week, _ = deadline.isocalendar()
    assert set(ReminderSent.objects.filter(user__username="af").values_list("task_key", flat=True)) == {
        f"look_along:{request.pk}",
        f"inactive:{case.pk}:{year}-W{week:02d}",
    }
    assert set(ReminderSent.objects.filter(user__username="ib").values_list("task_key", flat=True)) == {
        f"look_along:{request.pk}"
    }


def test_the_mail_holds_the_link_and_nothing_about_the_case(smtp, work, people):
    case, request = work
    run()
    af_mail = next(m for m in smtp.messages if m["To"] == "af@school.example")
    body = body_of(af_mail)
    assert f"{BASE_URL}/taken/" in body
    assert af_mail["From"] == "Haven <haven@school.example>"
    everything = af_mail.as_string() + body + str(af_mail["Subject"])
    for secret in ("Vries", "Sanne", "Daan", "Komt voor de derde keer", "dossier " + str(case.pk), f"/{case.pk}/"):
        assert secret not in everything, secret
    # No number at all in the text (so no dossier id, no count, no date), and no task title.
    assert not re.search(r"\d", body + str(af_mail["Subject"]))
    titles = [t.title for t in tasks_for(people.actor("af"), timezone.localdate())]
    assert len(titles) >= 2
    for title in titles:
        assert title not in everything


def test_the_mail_is_in_dutch(smtp, work):
    with translation.override("en"):
        run()
    message = smtp.messages[0]
    assert message["Subject"] == SUBJECT_NL
    assert "Er staat iets voor je klaar in Haven." in body_of(message)


def test_a_second_run_sends_nothing(smtp, work):
    run()
    smtp.clear()
    rows = ReminderSent.objects.count()
    output = run()
    assert smtp.messages == []
    assert "Reminders sent: 0 mails" in output
    assert ReminderSent.objects.count() == rows


def test_a_new_task_later_sends_again_one_mail(smtp, work, people):
    run()
    smtp.clear()
    services.request_look_along(people.actor("teacher"), people.signal("teacher", pupil=people.sibling))
    run()
    assert smtp.recipients() == addresses("af", "ib", "leader")
    run()
    assert len(smtp.messages) == 3


def test_people_without_tasks_or_without_an_address_get_nothing(smtp, work, people):
    people.leader.email = ""
    people.leader.save(update_fields=["email"])
    people.ib.is_active = False
    people.ib.save(update_fields=["is_active"])
    run()
    assert smtp.recipients() == addresses("af")
    assert set(ReminderSent.objects.values_list("user__username", flat=True)) == {"af"}


def test_tasks_not_yet_due_are_not_mailed(smtp, people):
    people.case(author="teacher", by="af")  # quiet for six weeks only from today
    run()
    assert smtp.messages == []
    assert ReminderSent.objects.count() == 0


def test_when_the_mail_server_refuses_nothing_is_recorded_and_the_next_run_sends(smtp, work):
    smtp.stop()
    with pytest.raises(CommandError, match=r"Could not send 3 reminder\(s\)"):
        run()
    assert ReminderSent.objects.count() == 0
    smtp.start()
    run()
    assert smtp.recipients() == addresses("af", "ib", "leader")
    assert ReminderSent.objects.count() == 4


def test_one_refused_address_does_not_hold_up_the_others(smtp, work):
    smtp.handler.refuse = {"ib@school.example"}
    with pytest.raises(CommandError, match=r"Could not send 1 reminder\(s\)"):
        run()
    assert smtp.recipients() == addresses("af", "leader")
    assert not ReminderSent.objects.filter(user__username="ib").exists()
    smtp.handler.refuse = set()
    smtp.clear()
    run()
    assert smtp.recipients() == addresses("ib")


def test_each_run_is_audited_with_counts_only(smtp, work):
    run()
    run()
    first, second = AuditEvent.objects.filter(action="reminders.sent").order_by("sequence")
    assert first.detail == {"mails": 3, "tasks": 4, "failed": 0}
    assert second.detail == {"mails": 0, "tasks": 0, "failed": 0}
    assert first.case_id is None and first.pupil_id is None and first.actor_id is None


def _mail_settings(**env):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_HOST', '-'), getattr(s, 'EMAIL_PORT', '-'), "
        "getattr(s, 'EMAIL_USE_TLS', '-'), s.DEFAULT_FROM_EMAIL, s.HAVEN_BASE_URL, sep='|')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_environment(DJANGO_SETTINGS_MODULE="haven.settings", **env),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().split("|")


def test_development_prints_mail_to_the_console():
    backend, *_rest, base_url = _mail_settings()
    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert base_url == "http://127.0.0.1:8000"


def test_smtp_is_configured_from_the_environment():
    assert _mail_settings(
        HAVEN_EMAIL_HOST="smtp.example.org",
        HAVEN_EMAIL_PORT="2525",
        HAVEN_EMAIL_USE_TLS="false",
        HAVEN_DEFAULT_FROM_EMAIL="Haven <noreply@example.org>",
        HAVEN_BASE_URL="https://haven.example.org/",
    ) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "2525",
        "False",
        "Haven <noreply@example.org>",
        "https://haven.example.org",
    ]
