"""The pure diff of the pupil import (haven/pupils/administration/plan.py): every sync rule."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from haven.pupils.administration.plan import plan
from haven.pupils.administration.records import (
    CurrentPupil,
    CurrentState,
    Incoming,
    IncomingGroup,
    IncomingPupil,
    IncomingTeacher,
    Rejected,
)

TODAY = dt.date(2026, 12, 7)
YEAR = "2026-2027"
BORN = dt.date(2017, 3, 14)


def current(pk, key="", first="Sanne", last="de Vries", born=BORN, group="Groep 5", left_on=None):
    return CurrentPupil(pk, key, first, last, born, group, left_on)


def new(key, first="Sanne", last="de Vries", born=BORN, group="Groep 5", row=1):
    return IncomingPupil(key, first, last, born, group, row)


def state(*pupils, groups=("Groep 5",), accounts=None, teachers=None):
    teachers = teachers or {}
    return CurrentState(
        YEAR,
        list(pupils),
        {name: frozenset(teachers.get(name, ())) for name in groups},
        accounts or {},
    )


def incoming(*pupils, groups=("Groep 5",), teachers=(), rejected=()):
    return Incoming(YEAR, "", list(pupils), [IncomingGroup(g) for g in groups], list(teachers), list(rejected))


def test_a_pupil_with_the_same_key_and_details_is_unchanged():
    result = plan(state(current(1, "1001")), incoming(new("1001")), TODAY)
    assert (result.added, result.changed, result.left, result.unchanged) == ([], [], [], 1)
    assert result.changes_nothing and result.can_apply


def test_a_new_key_is_added():
    result = plan(state(current(1, "1001")), incoming(new("1001"), new("1002", first="Daan")), TODAY)
    assert [p.key for p in result.added] == ["1002"]


def test_changed_names_date_and_group_are_listed_with_old_and_new():
    result = plan(
        state(current(1, "1001"), groups=("Groep 5", "Groep 6")),
        incoming(new("1001", first="Sanna", last="Vries", born=dt.date(2017, 3, 15), group="Groep 6")),
        TODAY,
    )
    (change,) = result.changed
    assert change.fields == {
        "first_name": ("Sanne", "Sanna"),
        "last_name": ("de Vries", "Vries"),
        "date_of_birth": ("2017-03-14", "2017-03-15"),
        "group": ("Groep 5", "Groep 6"),
    }


def test_matched_on_the_key_never_on_the_name():
    # Same name and date of birth, another key: a different child for the administration.
    result = plan(state(current(1, "1001")), incoming(new("2002")), TODAY)
    assert [p.key for p in result.added] == ["2002"]
    assert [p.pk for p in result.left] == [1]


def test_a_hand_typed_pupil_is_matched_once_on_name_and_date_of_birth_and_gets_the_key():
    result = plan(state(current(1)), incoming(new("1001")), TODAY)
    (change,) = result.changed
    assert change.pupil.pk == 1 and change.fields == {"key": ("", "1001")}
    assert not result.added and not result.left


def test_a_hand_typed_pupil_is_not_matched_on_the_name_alone():
    result = plan(state(current(1)), incoming(new("1001", born=dt.date(2017, 3, 15))), TODAY)
    assert [p.key for p in result.added] == ["1001"] and [p.pk for p in result.left] == [1]


def test_two_hand_typed_pupils_with_the_same_name_and_birth_are_matched_to_neither():
    result = plan(state(current(1), current(2)), incoming(new("1001")), TODAY)
    assert [p.key for p in result.added] == ["1001"]
    assert {p.pk for p in result.left} == {1, 2}


def test_two_incoming_with_the_same_name_and_birth_do_not_take_one_hand_typed_pupil():
    result = plan(state(current(1)), incoming(new("1001", row=1), new("1002", row=2)), TODAY)
    assert len(result.added) == 2 and [p.pk for p in result.left] == [1]


def test_a_pupil_missing_from_the_file_is_marked_left_and_one_already_left_stays():
    gone = current(1, "1001")
    earlier = current(2, "1002", first="Daan", left_on=dt.date(2025, 7, 1))
    result = plan(state(gone, earlier), incoming(), TODAY)
    assert [p.pk for p in result.left] == [1]


def test_a_pupil_who_left_and_is_in_the_file_again_comes_back():
    result = plan(state(current(1, "1001", left_on=dt.date(2025, 7, 1))), incoming(new("1001")), TODAY)
    (change,) = result.changed
    assert change.fields == {"left_on": ("2025-07-01", "")}


def test_a_rejected_row_blocks_the_apply_and_its_pupil_is_not_marked_left():
    result = plan(
        state(current(1, "1001")), incoming(rejected=[Rejected(1, "1001", "De geboortedatum klopt niet.")]), TODAY
    )
    assert not result.can_apply
    assert result.left == []
    assert result.counts()["rejected"] == 1


def test_groups_not_yet_in_the_school_year_are_added():
    result = plan(state(groups=("Groep 5",)), incoming(groups=("Groep 5", "Groep 6")), TODAY)
    assert [g.name for g in result.groups_added] == ["Groep 6"]


def test_teachers_are_listed_and_those_with_an_account_join_their_groups():
    teachers = [
        IncomingTeacher("T1", "Lotte", "Leerkracht", "lotte@school.example", ("Groep 5",)),
        IncomingTeacher("T2", "Pieter", "de Wit", "pieter@school.example", ("Groep 5",)),
    ]
    result = plan(state(accounts={"lotte@school.example": 7}), incoming(teachers=teachers), TODAY)
    assert [(line.teacher.key, line.account_id) for line in result.teachers] == [("T1", 7), ("T2", None)]
    assert result.teachers_added == [("Groep 5", 7)]
    again = plan(
        state(accounts={"lotte@school.example": 7}, teachers={"Groep 5": {"lotte@school.example"}}),
        incoming(teachers=teachers),
        TODAY,
    )
    assert again.teachers_added == [] and again.changes_nothing


def test_the_fingerprint_follows_the_plan():
    one = plan(state(current(1, "1001")), incoming(new("1001")), TODAY)
    same = plan(state(current(1, "1001")), incoming(new("1001")), TODAY)
    other = plan(state(current(1, "1001")), incoming(new("1001", first="Sanna")), TODAY)
    assert one.fingerprint() == same.fingerprint() != other.fingerprint()


keys = st.lists(st.text("0123456789", min_size=1, max_size=4), unique=True, max_size=12)


@given(haven_keys=keys, file_keys=keys)
def test_every_pupil_is_accounted_for_once(haven_keys, file_keys):
    """Each pupil of the file is added, changed or unchanged; each of Haven is matched or left."""
    now = state(*(current(i, key) for i, key in enumerate(haven_keys)))
    result = plan(now, incoming(*(new(key) for key in file_keys)), TODAY)
    assert len(result.added) + len(result.changed) + result.unchanged == len(file_keys)
    assert {p.key for p in result.left} == set(haven_keys) - set(file_keys)
    assert {p.key for p in result.added} == set(file_keys) - set(haven_keys)
    # Applying it makes the next plan empty: idempotent.
    after = state(*(current(i, key) for i, key in enumerate(file_keys)))
    assert plan(after, incoming(*(new(key) for key in file_keys)), TODAY).changes_nothing
