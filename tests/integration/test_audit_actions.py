"""Audit actions are a vocabulary: each app declares its own with a Dutch label, in one lookup.

An event whose action nobody declared would show in the access log as a bare code, so
`record_event` refuses it while the suite runs (and in development). Every refused permission is
recorded with the permission as its action, so every permission is in the lookup too.
"""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from haven.access.policy import PERMISSIONS
from haven.audit import actions
from haven.audit.actions import AuditActions, UnknownAuditAction
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.disclosure.audit_actions import DisclosureAction
from haven.meldcode.audit_actions import MeldcodeAction

HAVEN = Path(__file__).resolve().parents[2] / "haven"


def access_log(cast, case):
    return cast.client("af").get(reverse("audit:case_access_log", args=[case.pk])).content.decode()


def test_an_event_whose_action_nobody_declared_is_refused_and_not_written(db):
    with pytest.raises(UnknownAuditAction):
        record_event(None, "case.opne")
    assert not AuditEvent.objects.exists()


def test_without_the_strict_check_an_undeclared_action_is_written_and_shown_as_stored(cast):
    case = cast.case()
    with override_settings(HAVEN_STRICT_AUDIT_ACTIONS=False):
        record_event(cast.actor("af"), "something.new", kind=AuditEvent.Kind.READ, case=case)
    assert "something.new" in access_log(cast, case)


def test_every_declared_action_has_a_dutch_label():
    enums = actions.declared()
    assert enums
    for enum in enums:
        for member in enum:
            with translation.override("en"):
                english = str(member.label)
            with translation.override("nl"):
                dutch = str(member.label)
            assert dutch.strip(), member.value
            assert dutch != english, f"{member.value}: no Dutch label for {english!r}"


def test_every_app_declares_its_actions_in_its_own_audit_actions_module():
    for enum in actions.declared():
        assert enum.__module__.startswith("haven.") and enum.__module__.endswith(".audit_actions")
    assert len(actions.labels()) == sum(len(enum) for enum in actions.declared())


def test_every_permission_a_refusal_is_recorded_with_has_a_label():
    assert [permission for permission in PERMISSIONS if not actions.is_known(permission)] == []


def test_an_action_declared_twice_is_a_configuration_error():
    class First(AuditActions):
        OPEN = "case.open", _("Dossier opened")

    class Second(AuditActions):
        OPENED = "case.open", _("Opened")

    with pytest.raises(ImproperlyConfigured):
        actions.gather([First, Second])


def test_the_access_log_shows_the_dutch_label_of_an_action_that_had_none(cast):
    case = cast.case()
    record_event(cast.actor("af"), DisclosureAction.PREPARE, kind=AuditEvent.Kind.READ, case=case)
    html = access_log(cast, case)
    with translation.override("nl"):
        assert str(DisclosureAction.PREPARE.label) in html
    assert "disclosure.prepare" not in html


def test_an_enum_member_is_stored_as_its_plain_value(cast):
    event = record_event(cast.actor("af"), MeldcodeAction.CASE_VIEW, kind=AuditEvent.Kind.READ)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "case.view" and type(stored.action) is str


def test_no_recorder_passes_its_action_as_a_bare_string():
    """A bare `record_event(actor, "case.open")` is checked only when it runs; a member where it is written."""
    found = []
    for path in HAVEN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event" and len(node.args) > 1:
                action = node.args[1]
                if isinstance(action, ast.Constant | ast.JoinedStr):
                    found.append(f"{path.relative_to(HAVEN.parent)}:{node.lineno}")
    assert found == []
