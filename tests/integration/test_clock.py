"""The seeding clock (haven/infrastructure/clock.py): history at its real moments, for seeding only.

Reads as the specification: inside the block every time stamp (an audit event, a record's
`auto_now_add`, a service's "today") is the seeding moment; the moment only moves forward and never
past the real time; on leaving, also after an error, the real clock is back. It refuses to run in
production, inside a request and inside another clock, and while it runs the process serves no
request.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from haven.access.middleware import ActorMiddleware
from haven.accounts.audit_actions import AccountAction
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.infrastructure.clock import ClockRefused, seeding_clock
from haven.meldcode import services

REAL_NOW = timezone.now


def past(days: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(days=days)


def test_inside_the_block_everything_is_stamped_with_the_seeding_moment(cast):
    moment = past(3 * 365)
    with seeding_clock(moment) as clock:
        assert timezone.now() == moment
        assert timezone.localdate() == timezone.localtime(moment).date() == clock.today()
        signal = cast.signal("teacher", observed_at=moment - dt.timedelta(hours=2))
        clock.advance(days=2, hours=3)
        case = services.open_case(cast.actor("af"), signal, lead=cast.af)
    signal.refresh_from_db()
    case.refresh_from_db()
    assert signal.created_at == moment
    assert (case.opened_at, signal.triaged_at) == (moment + dt.timedelta(days=2, hours=3),) * 2
    events = AuditEvent.objects.filter(action__in=["signal.log", "case.open"]).order_by("sequence")
    assert [e.at for e in events] == [moment, moment + dt.timedelta(days=2, hours=3)]


def test_services_judge_the_future_by_the_seeding_moment(cast):
    moment = past(400)
    # A day after the seeding moment is "the future" for a service, though it lies in the real past.
    with seeding_clock(moment), pytest.raises(ValidationError):
        cast.signal("teacher", observed_at=moment + dt.timedelta(days=1))


def test_the_real_clock_is_back_after_the_block_and_after_an_error(db):
    with seeding_clock(past(30)):
        pass
    assert timezone.now is REAL_NOW
    with pytest.raises(RuntimeError, match="boom"), seeding_clock(past(30)):
        raise RuntimeError("boom")
    assert timezone.now is REAL_NOW
    assert abs(timezone.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_the_moment_only_moves_forward_and_never_into_the_future(db):
    moment = past(10)
    with seeding_clock(moment) as clock:
        with pytest.raises(ValueError, match="forward"):
            clock.advance_to(moment - dt.timedelta(seconds=1))
        with pytest.raises(ValueError, match="future"):
            clock.advance(days=11)
        with pytest.raises(ValueError, match="aware"):
            clock.advance_to(dt.datetime(2030, 1, 1))  # noqa: DTZ001 (the naive moment is the point)
        assert clock.advance_to(moment) == moment  # standing still is fine
        assert timezone.now() == moment
    with pytest.raises(ValueError, match="future"), seeding_clock(timezone.now() + dt.timedelta(hours=1)):
        pass
    assert timezone.now is REAL_NOW


def test_it_refuses_to_run_in_production(db, settings):
    settings.HAVEN_ENV = "production"
    with pytest.raises(ClockRefused, match="production"), seeding_clock(past(30)):
        pytest.fail("the block must not run")
    assert timezone.now is REAL_NOW


def test_it_refuses_to_run_inside_a_request(db):
    """Whatever a view might call: ActorMiddleware marks every request, and the clock refuses there."""
    refusals = []

    def view(request):
        with pytest.raises(ClockRefused, match="request") as refused, seeding_clock(past(30)):
            pytest.fail("the block must not run")
        refusals.append(refused.value)
        return None

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = Client().session
    ActorMiddleware(view)(request)
    assert len(refusals) == 1
    assert timezone.now is REAL_NOW


def test_while_it_runs_the_process_serves_no_request(db):
    with seeding_clock(past(30)), pytest.raises(ClockRefused, match="handles no requests"):
        Client().get("/healthz")
    assert Client().get("/healthz").status_code == 200


def test_there_is_one_clock_at_a_time(db):
    with seeding_clock(past(30)) as clock:
        with pytest.raises(ClockRefused, match="already running"), seeding_clock(past(20)):
            pytest.fail("the block must not run")
        # The running clock is unharmed.
        assert timezone.now() == clock.now()
    assert timezone.now is REAL_NOW


def test_an_audit_event_outside_the_clock_has_the_real_time(db):
    event = record_event(None, AccountAction.SIGN_IN)
    assert abs(event.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
