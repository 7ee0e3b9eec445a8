"""The cast of actors (healthchecks' alice/bob/charlie, for a school).

School A has one person in every role, two teachers, and pupils in a group taught by `teacher`.
School B has its own AF and pupil. Both schools are of one board and one municipality; the policy
officers of the board, the municipality and a region holding that municipality see their
aggregates. Every page test asks this cast, so "who may see this?" is answered in one place.
"""

import os
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from haven.access.middleware import actor_for
from haven.access.policy import Actor
from haven.accounts.models import AnalystMembership, User
from haven.insights.models import Region
from haven.meldcode import services
from haven.meldcode.models import Case, Signal
from haven.organisations.models import School
from haven.pupils.models import Pupil
from tests import authorization_matrix
from tests.factories import GroupFactory, MembershipFactory, PupilFactory, SchoolFactory, UserFactory, place

# Timing is measured by the benchmarks, not by tests: on a loaded 2-core CI machine a property
# example may take longer than Hypothesis's default 200 ms without anything being wrong.
hypothesis_settings.register_profile("haven", deadline=None)
hypothesis_settings.load_profile("haven")

# Every event the suite records must have a declared action with its label (haven/audit/actions.py).
settings.HAVEN_STRICT_AUDIT_ACTIONS = True

ROLES_A = {
    "teacher": "teacher",
    "teacher2": "teacher",
    "assistant": "teaching_assistant",
    "ib": "care_coordinator",
    "af": "safeguarding_lead",
    "leader": "school_leader",
    "admin": "functional_admin",
}


@dataclass
class Cast:
    school_a: School
    school_b: School
    pupil: Pupil
    sibling: Pupil
    pupil_b: Pupil
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def actor(self, name: str) -> Actor:
        actor, _membership = actor_for(self.users[name])
        assert actor is not None
        return actor

    def client(self, name: str, *, verified: bool = True) -> Client:
        """A signed-in client; for roles that need two-factor sign-in, one that passed it."""
        client = Client()
        user = self.users[name]
        client.force_login(user)
        if verified and _needs_two_factor(user):
            device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "default"})
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    def signal(self, author: str = "teacher", pupil: Pupil | None = None, **overrides) -> Signal:
        values = {
            "pupil": pupil or self.pupil,
            "observed_at": timezone.now() - timedelta(hours=2),
            "source": Signal.Source.OWN_OBSERVATION,
            "categories": [Signal.Category.PHYSICAL_NEGLECT],
            "facts": "Komt voor de derde keer deze week zonder ontbijt en zonder jas naar school.",
        }
        values.update(overrides)
        return services.log_signal(self.actor(author), **values)

    def case(self, author: str = "teacher", by: str = "af", pupil: Pupil | None = None) -> Case:
        signal = self.signal(author, pupil=pupil)
        return services.open_case(self.actor(by), signal, lead=self.users[by])


def _needs_two_factor(user: User) -> bool:
    return user.memberships.filter(role__in=settings.HAVEN_TWO_FACTOR_ROLES).exists()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def insights_built_on_every_view(settings):
    # Tests write rollups directly, without the count (`refresh_school`) that makes a new cache key;
    # tests/integration/test_insights_cache.py switches the cache on and tests the key.
    settings.HAVEN_INSIGHTS_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _insights_on_the_primary_unless_the_test_asks_for_the_replica(request):
    """With a replica configured (the PostgreSQL run), only tests that ask for the `replica`
    database read there (tests/integration/test_replica.py): another test's rows are uncommitted
    or not yet replayed, and pytest-django refuses an alias the test did not ask for."""
    if "replica" not in settings.DATABASES:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    databases = (marker.kwargs.get("databases") if marker else None) or ()
    if databases == "__all__" or "replica" in databases:
        yield
        return
    overridden = request.getfixturevalue("settings")
    overridden.DATABASE_ROUTERS = []
    yield


@pytest.fixture
def cast(db) -> Cast:
    school_a = SchoolFactory(name="OBS De Regenboog", brin_code="12AB")
    school_b = SchoolFactory(name="CBS Het Kompas", brin_code="34CD")
    group = GroupFactory(school=school_a, name="Groep 5")
    pupil = PupilFactory(school=school_a, first_name="Sanne", last_name="de Vries")
    sibling = PupilFactory(school=school_a, first_name="Daan", last_name="de Vries")
    pupil_b = PupilFactory(school=school_b, first_name="Noah", last_name="Jansen")
    place(pupil, group)
    place(sibling, group)
    cast = Cast(school_a, school_b, pupil, sibling, pupil_b)
    for name, role in ROLES_A.items():
        user = UserFactory(username=name)
        MembershipFactory(user=user, school=school_a, role=role)
        cast.users[name] = user
    group.teachers.add(cast.users["teacher"])
    cast.users["af_b"] = UserFactory(username="af_b")
    MembershipFactory(user=cast.users["af_b"], school=school_b, role="safeguarding_lead")
    # Policy officers who see aggregates of the board and the municipality of both schools.
    cast.users["board"] = UserFactory(username="board")
    AnalystMembership.objects.create(user=cast.users["board"], board=school_a.board)
    cast.users["municipality"] = UserFactory(username="municipality")
    AnalystMembership.objects.create(user=cast.users["municipality"], municipality=school_a.municipality)
    # The region's policy officer: a region holding school A's municipality.
    region = Region.objects.create(name="Regio Zonnedal")
    region.municipalities.add(school_a.municipality)
    cast.users["region"] = UserFactory(username="region")
    AnalystMembership.objects.create(user=cast.users["region"], region=region)
    return cast


@pytest.fixture
def objects(cast) -> dict:
    """The objects the authorization matrix's object URLs are asked about (tests/authorization_matrix.py)."""
    return authorization_matrix.objects(cast)


def pytest_collection_modifyitems(config, items):
    """`postgresql` tests skip on SQLite, with the reason; the PostgreSQL run of `make test` runs them."""
    if os.environ.get("HAVEN_DATABASE_URL"):
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: runs in the PostgreSQL run of `make test` (scripts/with-postgres.sh)"
    )
    for item in items:
        if item.get_closest_marker("postgresql") is not None:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On the PostgreSQL run a `postgresql` test never skips: a skip there is a failure."""
    report = yield
    if (
        report.skipped
        and not hasattr(report, "wasxfail")
        and os.environ.get("HAVEN_DATABASE_URL")
        and item.get_closest_marker("postgresql") is not None
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"a `postgresql` test may not skip on the PostgreSQL run: {reason}"
    return report


def pytest_report_header(config):
    return f"database: {'PostgreSQL (HAVEN_DATABASE_URL)' if os.environ.get('HAVEN_DATABASE_URL') else 'SQLite'}"


@pytest.fixture(autouse=True)
def _audit_truncate_at_flush(request, django_db_blocker):
    """The audit log refuses TRUNCATE on PostgreSQL unless the session allows it, and DELETE on SQLite
    unless the connection does (haven/audit/triggers.py); the flush after a transactional test
    (which empties every table) is the one place that may."""
    connection.haven_audit_allow_flush = False
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # so this teardown runs before the flush
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SET haven.audit_allow_truncate = 'on'")
    else:
        connection.haven_audit_allow_flush = True
