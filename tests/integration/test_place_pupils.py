"""A new school year's pupils at once (`haven.pupils.services.add_pupils`, `place_pupils`): the intake
and the class lists.

Reads as the specification: the same result as saving and placing each pupil one by one (the same
checks; one group per pupil per school year, an earlier placement that year replaced, the new
teachers told of a dossier), in a fixed number of queries, with one audit event that names the
pupils; refused for anyone but the functional administrator, for a bad row, and for a pupil or
group of another school, writing nothing.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.handover.models import HandoverNotice
from haven.pupils.models import GroupPlacement, Pupil
from haven.pupils.services import add_pupils, place_pupils
from tests.factories import GroupFactory, PupilFactory

YEAR = "2027-2028"
BORN = dt.date(2023, 3, 14)


def test_an_intake_is_added_with_one_audit_event_naming_its_pupils(cast, django_assert_max_num_queries):
    before = Pupil.objects.count()
    rows = [(" Fleur ", "de Graaf ", BORN), ("Noah", "Yilmaz", BORN)] + [
        ("Kind", f"Nummer {n}", BORN) for n in range(30)
    ]
    with django_assert_max_num_queries(8):
        pupils = add_pupils(cast.actor("admin"), rows)
    assert Pupil.objects.count() == before + 32
    assert (pupils[0].first_name, pupils[0].last_name, pupils[0].school) == ("Fleur", "de Graaf", cast.school_a)
    event = AuditEvent.objects.get(action="pupil.add_many")
    assert (event.actor_id, event.school_id) == (cast.admin.pk, cast.school_a.pk)
    assert event.detail["pupils"] == [p.pk for p in pupils]


@pytest.mark.parametrize(
    "bad",
    [("", "de Graaf", BORN), ("Fleur", "  ", BORN), ("Fleur", "de Graaf", timezone.localdate())],
)
def test_an_intake_with_a_bad_row_writes_nothing(cast, bad):
    before = Pupil.objects.count()
    with pytest.raises(ValidationError):
        add_pupils(cast.actor("admin"), [("Noah", "Yilmaz", BORN), bad])
    assert Pupil.objects.count() == before
    assert not AuditEvent.objects.filter(action="pupil.add_many").exists()


@pytest.mark.parametrize("role", ["teacher", "ib", "af", "leader"])
def test_only_the_functional_administrator_adds_an_intake(cast, role):
    with pytest.raises(PermissionDenied):
        add_pupils(cast.actor(role), [("Noah", "Yilmaz", BORN)])


def test_a_class_is_placed_with_one_audit_event_naming_its_pupils(cast):
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=YEAR)
    pupils = [cast.pupil, cast.sibling, *PupilFactory.create_batch(3, school=cast.school_a)]
    placements = place_pupils(cast.actor("admin"), pupils, group)
    assert {p.pupil_id for p in placements} == {p.pk for p in pupils}
    assert set(GroupPlacement.objects.filter(school_year=YEAR).values_list("pupil", "group")) == {
        (p.pk, group.pk) for p in pupils
    }
    event = AuditEvent.objects.get(action="pupil.place_group")
    assert (event.actor_id, event.object_id) == (cast.admin.pk, group.pk)
    assert sorted(event.detail["pupils"]) == sorted(p.pk for p in pupils)


def test_an_earlier_placement_of_that_year_is_replaced_and_other_years_stay(cast):
    first = GroupFactory(school=cast.school_a, name="Groep 6", school_year=YEAR)
    second = GroupFactory(school=cast.school_a, name="Groep 6b", school_year=YEAR)
    admin = cast.actor("admin")
    place_pupils(admin, [cast.pupil], first)
    place_pupils(admin, [cast.pupil, cast.pupil], second)  # twice in the list: placed once
    assert list(cast.pupil.placements.filter(school_year=YEAR).values_list("group", flat=True)) == [second.pk]
    # The placement of this school year (from the cast) is the pupil's history and stays.
    assert cast.pupil.placements.exclude(school_year=YEAR).count() == 1


def test_the_new_teachers_hear_of_a_dossier_as_with_one_by_one_placing(cast):
    cast.case()
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=YEAR)
    group.teachers.add(cast.teacher2)
    place_pupils(cast.actor("admin"), [cast.pupil, cast.sibling], group)
    assert list(HandoverNotice.objects.values_list("pupil", "teacher")) == [(cast.pupil.pk, cast.teacher2.pk)]


def test_a_group_without_teachers_tells_its_teachers_once_they_are_added(cast):
    cast.case()
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=YEAR)
    place_pupils(cast.actor("admin"), [cast.pupil], group)
    assert not HandoverNotice.objects.exists()
    group.teachers.add(cast.teacher2)
    assert HandoverNotice.objects.filter(pupil=cast.pupil, teacher=cast.teacher2).count() == 1


def test_the_query_count_does_not_grow_with_the_class(cast, django_assert_max_num_queries):
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=YEAR)
    pupils = PupilFactory.create_batch(30, school=cast.school_a)
    with django_assert_max_num_queries(12):
        place_pupils(cast.actor("admin"), pupils, group)


@pytest.mark.parametrize("role", ["teacher", "ib", "af", "leader"])
def test_only_the_functional_administrator_places_pupils(cast, role):
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=YEAR)
    with pytest.raises(PermissionDenied):
        place_pupils(cast.actor(role), [cast.pupil], group)
    assert not GroupPlacement.objects.filter(school_year=YEAR).exists()


def test_a_pupil_or_group_of_another_school_is_refused_and_nothing_is_written(cast):
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=YEAR)
    other_group = GroupFactory(school=cast.school_b, name="Groep 6", school_year=YEAR)
    admin = cast.actor("admin")
    with pytest.raises(ValidationError):
        place_pupils(admin, [cast.pupil, cast.pupil_b], group)
    with pytest.raises(ValidationError):
        place_pupils(admin, [cast.pupil], other_group)
    assert not GroupPlacement.objects.filter(school_year=YEAR).exists()
    assert not AuditEvent.objects.filter(action="pupil.place_group").exists()
