"""The one scoped lookup (haven/access/lookup.py): what the actor may not reach does not seem to
exist, and reaching for something that does exist elsewhere is audited as a denied read."""

import pytest
from django.http import Http404

from haven.access.lookup import scoped_get
from haven.audit.models import AuditEvent
from haven.disclosure.audit_actions import DisclosureAction
from haven.meldcode.models import Case
from haven.meldcode.queries import visible_cases
from haven.pupils.models import Pupil


def _own_school(actor):
    return Pupil.objects.filter(school_id=actor.school_id)


def _denied():
    return AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED)


def test_the_actor_gets_what_is_in_scope_and_nothing_is_logged(cast):
    actor = cast.actor("af")
    assert scoped_get(actor, _own_school(actor), cast.pupil.pk, action=DisclosureAction.PREPARE) == cast.pupil
    assert not _denied().exists()


def test_another_schools_object_is_a_404_and_a_denied_read(cast):
    actor = cast.actor("af")
    with pytest.raises(Http404):
        scoped_get(
            actor, _own_school(actor), cast.pupil_b.pk, action=DisclosureAction.PREPARE, about=lambda p: {"pupil": p.pk}
        )
    event = _denied().get()
    assert (event.action, event.kind, event.actor_id) == (DisclosureAction.PREPARE, AuditEvent.Kind.READ, cast.af.pk)
    assert event.pupil_id == cast.pupil_b.pk


def test_by_default_the_denied_read_names_the_object(cast):
    case = cast.case()
    outsider = cast.actor("af_b")
    with pytest.raises(Http404):
        scoped_get(outsider, visible_cases(outsider), case.pk, action="case.view")
    event = _denied().get()
    assert (event.object_type, event.object_id, event.case_id) == ("case", case.pk, None)


def test_an_unknown_pk_is_the_same_404_without_an_event(cast):
    actor = cast.actor("af")
    unknown = Pupil.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with pytest.raises(Http404):
        scoped_get(actor, _own_school(actor), unknown, action=DisclosureAction.PREPARE)
    assert not _denied().exists()


def test_rows_of_an_already_run_lookup_need_the_unscoped_queryset(cast):
    case = cast.case()
    outsider = cast.actor("af_b")
    assert scoped_get(outsider, [case], case.pk, action="case.view", unscoped=Case.objects.all()) == case
    with pytest.raises(Http404):
        scoped_get(outsider, [], case.pk, action="case.view", unscoped=Case.objects.all())
    assert _denied().get().object_id == case.pk
    with pytest.raises(TypeError, match="unscoped"):
        scoped_get(outsider, [], case.pk, action="case.view")
