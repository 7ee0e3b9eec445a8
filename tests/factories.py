"""factory_boy factories with fictional Dutch names. Route data is made through services."""

import datetime as dt

import factory
import faker
from factory.django import DjangoModelFactory

from haven.accounts.models import Membership, User
from haven.organisations.models import Board, Group, Municipality, School
from haven.pupils.models import GroupPlacement, HouseholdMember, Pupil

PASSWORD = "test-wachtwoord-2026"
_faker = faker.Faker("nl_NL")


# The cast's pupils (tests/conftest.py) have these names; tests check that pages about staff do
# not show them, so generated staff never share them.
RESERVED_FIRST_NAMES = {"Sanne", "Daan", "Noah"}
RESERVED_LAST_NAMES = {"de Vries", "Jansen"}


def dutch_last_name() -> str:
    # Some Dutch names hold an apostrophe ("van 't Hof"), which HTML escapes: tests that look for a
    # name in a page would then pass or fail by chance. Escaping is tested on its own.
    while (name := _faker.last_name().replace("'", "")) in RESERVED_LAST_NAMES:
        pass
    return name


def dutch_first_name() -> str:
    while (name := _faker.first_name()) in RESERVED_FIRST_NAMES:
        pass
    return name


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = "Zonnedal"


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("name",)

    name = "Stichting Samen Leren"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Basisschool De Linde {n}")
    brin_code = factory.Sequence(lambda n: f"{10 + n:02d}AB")
    board = factory.SubFactory(BoardFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Groep {n % 8 + 1}{'abc'[n % 3]}")
    school_year = "2026-2027"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"medewerker{n}")
    first_name = factory.LazyFunction(dutch_first_name)
    last_name = factory.LazyFunction(dutch_last_name)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = "teacher"


class PupilFactory(DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    first_name = factory.LazyFunction(dutch_first_name)
    last_name = factory.LazyFunction(dutch_last_name)
    date_of_birth = dt.date(2017, 3, 14)


def place(pupil: Pupil, group: Group) -> GroupPlacement:
    return GroupPlacement.objects.create(pupil=pupil, group=group, school_year=group.school_year)


class HouseholdMemberFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    pupil = factory.SubFactory(PupilFactory)
    name = factory.Faker("name", locale="nl_NL")
    relation = "mother"
