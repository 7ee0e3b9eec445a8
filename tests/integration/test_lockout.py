"""The lock-out stops guessing but cannot be used to keep colleagues out of Haven."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from haven.accounts import lockout
from haven.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.integration.test_sign_in import sign_in

A, B = "10.1.2.3", "10.9.9.9"


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] != reverse("login")


def time_passes(seconds: float) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=seconds))


class Clock:
    """The address wait's clock, standing still unless moved: a slow test machine cannot let time pass."""

    def __init__(self) -> None:
        self.moment = timezone.now()

    def now(self):
        return self.moment

    def after_last_failure(self, seconds: float) -> None:
        last = AccessAttempt.objects.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
        self.moment = last + timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(lockout, "timezone", clock)
    return clock


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(cast, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=A), "leader", "fout-wachtwoord")
    assert sign_in(Client(REMOTE_ADDR=A), "leader", PASSWORD).status_code == 429
    assert signed_in(sign_in(Client(REMOTE_ADDR=B), "leader", PASSWORD))


def test_brute_force_on_one_account_from_one_address_is_stopped(cast, settings):
    client = Client(REMOTE_ADDR=A)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "teacher", "fout-wachtwoord").status_code == 200
    for _attempt in range(3):  # the fifth failure locks
        assert sign_in(client, "teacher", "nog-een-gok").status_code == 429
    assert sign_in(client, "teacher", PASSWORD).status_code == 429  # the right guess gets nowhere either
    time_passes(settings.AXES_COOLOFF_TIME.total_seconds() - 60)
    assert sign_in(client, "teacher", PASSWORD).status_code == 429  # still within the quarter of an hour
    assert AuditEvent.objects.filter(action="account.locked_out", detail__username="teacher").exists()


def test_many_usernames_from_one_address_slow_it_down_without_locking_colleagues_out(cast, settings, clock):
    client = Client(REMOTE_ADDR=A)
    statuses = [sign_in(client, f"onbekend{attempt}", "fout").status_code for attempt in range(20)]
    assert statuses[: settings.AXES_FAILURE_LIMIT + 1] == [200] * (settings.AXES_FAILURE_LIMIT + 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT + 1 :]) == {429}  # too soon: refused unchecked
    counted = sum(AccessAttempt.objects.filter(ip_address=A).values_list("failures_since_start", flat=True))
    assert counted == settings.AXES_FAILURE_LIMIT + 1  # refused attempts do not count (or prolong the wait)
    # A known user and an unknown one are refused alike right now: the refusal reveals no accounts.
    with override("nl"):
        refused = sign_in(Client(REMOTE_ADDR=A), "teacher2", PASSWORD)
    assert refused.status_code == 429
    assert "seconden" in refused.content.decode()
    assert sign_in(Client(REMOTE_ADDR=A), "onbekend99", "fout").status_code == 429
    # Another address is not affected at all; after the short wait the colleague on A signs in.
    assert signed_in(sign_in(Client(REMOTE_ADDR=B), "teacher2", PASSWORD))
    clock.after_last_failure(2**1 - 0.5)  # one counted failure over the limit: a two-second wait
    assert sign_in(Client(REMOTE_ADDR=A), "teacher2", PASSWORD).status_code == 429
    clock.after_last_failure(2**1 + 0.5)
    assert signed_in(sign_in(Client(REMOTE_ADDR=A), "teacher2", PASSWORD))


def test_the_address_wait_grows_to_its_maximum(cast, settings, clock):
    settings.HAVEN_LOCKOUT_ADDRESS_MAX_WAIT = 60
    client = Client(REMOTE_ADDR=A)
    for attempt in range(settings.AXES_FAILURE_LIMIT + 10):
        assert sign_in(client, f"onbekend{attempt}", "fout").status_code == 200
        clock.after_last_failure(61)  # each next attempt comes after the longest wait
    clock.after_last_failure(59)  # 2 ** 10 seconds, but never more than the maximum
    assert sign_in(client, "teacher2", PASSWORD).status_code == 429
    clock.after_last_failure(61)
    assert signed_in(sign_in(client, "teacher2", PASSWORD))


def lock(username: str, address: str = A) -> None:
    for _attempt in range(5):
        sign_in(Client(REMOTE_ADDR=address), username, "fout-wachtwoord")


def test_the_admin_and_the_af_see_and_lift_the_locks_of_their_school(cast):
    lock("teacher")
    lock("af_b")
    for name in ("admin", "af"):
        page = cast.client(name).get(reverse("lockouts:list")).content.decode()
        assert cast.teacher.username in page and A in page
        assert "af_b" not in page  # another school's accounts are not shown
    response = cast.client("af").post(reverse("lockouts:lift", args=[cast.teacher.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="account.lockout_lifted")
    assert event.detail == {"username": "teacher", "addresses": [A]}
    assert event.actor_id == cast.af.pk
    assert signed_in(sign_in(Client(REMOTE_ADDR=A), "teacher", PASSWORD))


def test_another_schools_lock_cannot_be_lifted(cast):
    lock("af_b")
    assert cast.client("admin").post(reverse("lockouts:lift", args=[cast.af_b.pk])).status_code == 404
    assert AccessAttempt.objects.filter(username="af_b").exists()
    assert not AuditEvent.objects.filter(action="account.lockout_lifted").exists()
