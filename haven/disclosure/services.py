"""Recording a parents' access: what the AF reviewed, what is withheld and why, with its audit event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.audit.services import record_event
from haven.disclosure.audit_actions import DisclosureAction
from haven.disclosure.models import Disclosure
from haven.disclosure.queries import build_record
from haven.pupils.models import Pupil

REASON_MAX_LENGTH = 500


def _reason(text: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: _("Give the reason this is withheld.")})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("Keep the reason short: at most %(max)s characters.") % {"max": REASON_MAX_LENGTH}}
        )
    return text


@transaction.atomic
def record_disclosure(
    actor: Actor,
    pupil: Pupil,
    *,
    state: str,
    withheld: dict[str, str],
    reporter_identity_withheld: bool,
    reporter_reason: str = "",
) -> Disclosure:
    """Record the access as prepared; refused when the pupil's data changed since the page was shown.

    `state` is the fingerprint of the record the AF reviewed: an item added or changed meanwhile
    was never checked for third-party information, so it must not slip into the export.
    """
    require_permission(actor, "pupil.disclose")
    if pupil.school_id != actor.school_id:
        raise ValidationError(_("This pupil is not a pupil of your school."))
    record = build_record(pupil)
    if state != record.state:
        raise ValidationError(
            _("What Haven holds on this pupil changed while you were preparing. Check the page again and resubmit.")
        )
    items = record.item_ids
    unknown = set(withheld) - set(items)
    if unknown:
        raise ValidationError(_("Some of the items to withhold are not about this pupil."))
    reasons = {item: _reason(reason, f"reason_{item}") for item, reason in withheld.items()}
    reporter_reason = _reason(reporter_reason, "reporter_reason") if reporter_identity_withheld else ""
    disclosure = Disclosure.objects.create(
        school_id=actor.school_id,
        pupil=pupil,
        made_by_id=actor.user_id,
        items=items,
        withheld=reasons,
        reporter_identity_withheld=reporter_identity_withheld,
        reporter_reason=reporter_reason,
    )
    # Item ids and counts only: the reasons can describe what was withheld.
    record_event(
        actor,
        DisclosureAction.PUPIL_DISCLOSE,
        obj=disclosure,
        pupil=pupil,
        detail={
            "items": len(items),
            "withheld": sorted(reasons),
            "reporter_identity_withheld": reporter_identity_withheld,
        },
    )
    return disclosure
