"""The audit events' `detail` is encrypted at rest, bound to its event; Haven reads it decrypted.

The detail holds what the route recorded about a child (categories, outcomes, answers) and the
names of the staff involved. A dump of the audit table must tell none of it; a ciphertext moved
to another event must not decrypt there.
"""

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.infrastructure.encryption import DecryptionError
from haven.meldcode import services
from haven.meldcode.models import Signal
from tests.support import TABLE, ids, tamper, verify_fails


def _raw_table() -> str:
    """Every column of every audit row, as the database holds them (not through the ORM)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE}")  # noqa: S608 - a model's table name
        return "\n".join(repr(row) for row in cursor.fetchall())


@pytest.fixture
def story(cast):
    """A signal of sexual abuse and emotional neglect, a dossier, and a member added by name."""
    cast.users["ib"].first_name, cast.users["ib"].last_name = "Marieke", "Oosterhuis"
    cast.users["ib"].save()
    signal = cast.signal(categories=[Signal.Category.SEXUAL_ABUSE, Signal.Category.EMOTIONAL_NEGLECT])
    case = services.open_case(cast.actor("af"), signal, lead=cast.af)
    services.add_case_member(cast.actor("af"), case, cast.ib)
    return case


def test_the_raw_audit_table_holds_no_categories_nor_staff_names(story, cast):
    raw = _raw_table()
    for plain in ("sexual_abuse", "emotional_neglect", "Marieke", "Oosterhuis", str(cast.af)):
        assert plain not in raw, plain
    # Haven itself reads them back.
    assert AuditEvent.objects.get(action="signal.log").detail["categories"] == ["sexual_abuse", "emotional_neglect"]
    assert AuditEvent.objects.get(action="case.add_member").detail == {"member": "Marieke Oosterhuis"}
    assert AuditEvent.objects.get(action="case.open").detail == {"lead": str(cast.af)}


def test_a_detail_copied_into_another_event_does_not_decrypt(story):
    logged, added = (AuditEvent.objects.get(action=action) for action in ("signal.log", "case.add_member"))
    tamper(
        f"UPDATE {TABLE} SET detail = (SELECT detail FROM {TABLE} WHERE id = %s) WHERE id = %s", [logged.pk, added.pk]
    )
    with pytest.raises(DecryptionError, match="failed authentication"):
        AuditEvent.objects.get(pk=added.pk).detail  # noqa: B018 - the read is what is tested
    verify_fails(f"event {added.sequence} (id {ids()[added.sequence]})", "altered")


def test_the_timeline_and_the_access_log_still_show_the_events(story, cast):
    page = cast.client("af").get(reverse("meldcode:case_detail", args=[story.pk])).content.decode()
    for label in ("Signaal vastgelegd", "Dossier geopend", "Lid toegevoegd"):
        assert label in page, label
    log = cast.client("af").get(reverse("audit:case_access_log", args=[story.pk]))
    assert log.status_code == 200


def test_sql_cannot_filter_on_the_detail(story):
    """The stored detail is a ciphertext: a lookup inside it fails loudly instead of matching nothing."""
    for lookup in ({"detail__member": "Marieke Oosterhuis"}, {"detail__contains": {"member": "x"}}):
        with pytest.raises(FieldError):
            list(AuditEvent.objects.filter(**lookup))


def test_the_detail_is_decrypted_only_when_it_is_read(story, settings):
    """The timeline and the access log read events without their detail: they work even where
    the detail could not be decrypted; reading a deferred detail still gives it decrypted."""
    event = AuditEvent.objects.only("action").get(action="case.add_member")
    assert event.detail == {"member": "Marieke Oosterhuis"}  # loads detail and sequence when asked
    settings.HAVEN_ENCRYPTION_KEYS = "other:" + "B" * 43
    event = AuditEvent.objects.get(action="case.add_member")
    assert event.action == "case.add_member"
    with pytest.raises(DecryptionError):
        event.detail  # noqa: B018 - the read is what is tested
