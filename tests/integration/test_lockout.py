"""The lock-out stops guessing but cannot be used to keep colleagues out of Haven."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from haven.accounts import lockout
from haven.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.signing_in import sign_in

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
    assert any(e.detail["username"] == "teacher" for e in AuditEvent.objects.filter(action="account.locked_out"))


def test_many_usernames_from_one_address_slow_it_down_without_locking_colleagues_out(cast, settings, clock):
    client = Client(REMOTE_ADDR=A)
    statuses = [sign_in(client, f"onbekend{attempt}", "fout").status_code for attempt in range(20)]
    assert statuses[: settings.AXES_FAILURE_LIMIT + 1] == [200] * (settings.AXES_FAILURE_LIMIT + 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT + 1 :]) == {429}  # too soon: refused unchecked
    counted = sum(AccessAttempt.objects.filter(ip_address=A).values_list("failures_since_start", flat=True))
    assert counted == settings.AXES_FAILURE_LIMIT + 1  # refused attempts do not count (or prolong the wait)
    with override("nl"):
        refused = sign_in(Client(REMOTE_ADDR=A), "onbekend99", "fout")
    assert refused.status_code == 429
    assert "seconden" in refused.content.decode()
    # A known user is not held by the address wait: her right password gets in at once (the accepted
    # trade-off: the throttled address can tell known from unknown usernames).
    assert signed_in(sign_in(Client(REMOTE_ADDR=A), "teacher2", PASSWORD))
    # A known user's wrong password is checked and counted against her own pair lock only.
    assert sign_in(Client(REMOTE_ADDR=A), "teacher", "fout").status_code == 200
    # After the short wait the next unknown username from A is checked again.
    clock.after_last_failure(2**2 - 0.5)  # two counted failures over the limit: a four-second wait
    assert sign_in(Client(REMOTE_ADDR=A), "onbekend100", "fout").status_code == 429
    clock.after_last_failure(2**2 + 0.5)
    assert sign_in(Client(REMOTE_ADDR=A), "onbekend100", "fout").status_code == 200


def test_the_address_wait_grows_to_its_maximum(cast, settings, clock):
    settings.HAVEN_LOCKOUT_ADDRESS_MAX_WAIT = 60
    client = Client(REMOTE_ADDR=A)
    for attempt in range(settings.AXES_FAILURE_LIMIT + 10):
        assert sign_in(client, f"onbekend{attempt}", "fout").status_code == 200
        clock.after_last_failure(61)  # each next attempt comes after the longest wait
    clock.after_last_failure(59)  # 2 ** 10 seconds, but never more than the maximum
    assert sign_in(client, "nog-een-onbekende", "fout").status_code == 429
    assert signed_in(sign_in(Client(REMOTE_ADDR=A), "teacher2", PASSWORD))  # a known account is not held by it
    clock.after_last_failure(61)
    assert sign_in(client, "nog-een-onbekende", "fout").status_code == 200


def test_a_pupil_failing_once_per_wait_cannot_keep_the_af_out_on_the_shared_address(cast, settings, clock):
    """The school's Wi-Fi behind one NAT address: a script that fails with a new unknown username each
    time the address wait ends keeps the address throttled, yet the AF's right password gets in."""
    wait = settings.HAVEN_LOCKOUT_ADDRESS_MAX_WAIT
    pupil = Client(REMOTE_ADDR=A)
    for attempt in range(settings.AXES_FAILURE_LIMIT + 8):  # warm-up: the wait grows to its maximum
        sign_in(pupil, f"gok{attempt}", "fout")
        clock.after_last_failure(wait + 0.1)
    got_in = []
    for minute in range(10):
        clock.after_last_failure(wait + 0.1)  # the script fires the moment the wait ends
        assert sign_in(pupil, f"weer{minute}", "fout").status_code == 200
        clock.after_last_failure(wait / 2)  # the AF tries at some moment during the next minute
        assert sign_in(Client(REMOTE_ADDR=A), f"ander{minute}", "fout").status_code == 429  # still throttled
        got_in.append(signed_in(sign_in(Client(REMOTE_ADDR=A), "af", PASSWORD)))
    assert all(got_in), "the AF's right password from the school's address is refused"


SECRET_TYPED = "MijnGeheim-Wachtwoord-77"


def test_a_password_typed_into_the_username_field_is_not_stored_in_plain_text(cast, settings, caplog):
    """Someone types the password in the username field: for a username that is no account only a keyed
    hash is kept (django-axes' rows, the audit event, the log); a known username stays readable."""
    caplog.set_level("DEBUG")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):  # the last one locks this (hash, address) pair
        sign_in(Client(REMOTE_ADDR=A), SECRET_TYPED, SECRET_TYPED)
    sign_in(Client(REMOTE_ADDR=A), "teacher", "fout")
    stored = list(AccessAttempt.objects.values_list("username", "failures_since_start"))
    assert not any(SECRET_TYPED in (u or "") for u, _n in stored), stored
    unknown = [(u, n) for u, n in stored if u != "teacher"]
    # The same text gives the same hash: its failures still count together.
    assert len(unknown) == 1 and unknown[0][1] == settings.AXES_FAILURE_LIMIT
    assert unknown[0][0].startswith("unknown:") and len(unknown[0][0]) == len("unknown:") + 16
    assert ("teacher", 1) in stored
    failed = [e.detail["username"] for e in AuditEvent.objects.filter(action="account.sign_in_failed")]
    assert sorted(failed) == sorted([unknown[0][0]] * settings.AXES_FAILURE_LIMIT + ["teacher"])
    locked = [e.detail for e in AuditEvent.objects.filter(action="account.locked_out")]
    assert locked == [{"username": unknown[0][0], "address": A}]
    assert SECRET_TYPED not in caplog.text
    with override_settings(SECRET_KEY="een-andere-sleutel-" + "x" * 40):
        from haven.accounts.backends import stored_username

        assert stored_username(SECRET_TYPED) != unknown[0][0]  # keyed: no table of guesses precomputed


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


def test_lifting_without_a_lock_changes_nothing_and_is_not_audited(cast, settings):
    """Lifting is no way to reset a colleague's failure count again and again for more guesses."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(REMOTE_ADDR=A), "af", "fout-wachtwoord")
    admin = cast.client("admin")
    with override("nl"):
        response = admin.post(reverse("lockouts:lift", args=[cast.af.pk]), follow=True)
    assert response.status_code == 200
    assert "geen inlogblokkade" in response.content.decode()
    counted = sum(AccessAttempt.objects.filter(username="af").values_list("failures_since_start", flat=True))
    assert counted == settings.AXES_FAILURE_LIMIT - 1  # the count stands: one more failure locks
    assert not AuditEvent.objects.filter(action="account.lockout_lifted").exists()
    assert sign_in(Client(REMOTE_ADDR=A), "af", "fout-wachtwoord").status_code == 429


def test_lifting_removes_only_the_counts_that_lock(cast, settings):
    lock("teacher", A)
    sign_in(Client(REMOTE_ADDR=B), "teacher", "fout-wachtwoord")  # one failure from B: no lock there
    cast.client("af").post(reverse("lockouts:lift", args=[cast.teacher.pk]))
    assert AuditEvent.objects.get(action="account.lockout_lifted").detail == {"username": "teacher", "addresses": [A]}
    assert list(AccessAttempt.objects.filter(username="teacher").values_list("ip_address", flat=True)) == [B]
