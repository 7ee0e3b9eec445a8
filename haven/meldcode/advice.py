"""Advice requests to Veilig Thuis recorded without a dossier: the one verb that writes them.

Many advice calls are made before any dossier exists (an anonymous question about a situation),
and the region's monitoring counts them beside the advice asked inside a dossier (a
`Consultation` with Veilig Thuis). As in `haven.meldcode.services`: the permission is checked,
the input validated, the row written and its audit event recorded in one transaction; bad input
raises ValidationError with a Dutch message and writes nothing. The list is read through
`haven.meldcode.queries.advice_requests`.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.audit.services import record_event
from haven.meldcode.audit_actions import MeldcodeAction
from haven.meldcode.models import AdviceRequest
from haven.pupils.dates import check_date
from haven.pupils.models import Pupil


@transaction.atomic
def record_advice_request(
    actor: Actor,
    *,
    held_on: date,
    anonymous: bool,
    question: str,
    advice: str,
    pupil: Pupil | None = None,
    date_confirmed: bool = False,
) -> AdviceRequest:
    require_permission(actor, "advice_request.record")
    if not question.strip():
        raise ValidationError({"question": _("Write down the question you asked Veilig Thuis.")})
    if not advice.strip():
        raise ValidationError({"advice": _("Write down the advice Veilig Thuis gave.")})
    if pupil is not None and pupil.school_id != actor.school_id:
        raise ValidationError({"pupil": _("This pupil is not a pupil of your school.")})
    check_date(held_on, "held_on", born_on=pupil.date_of_birth if pupil else None, confirmed=date_confirmed)
    request = AdviceRequest.objects.create(
        school_id=actor.member_school_id,
        held_on=held_on,
        anonymous=anonymous,
        question=question.strip(),
        advice=advice.strip(),
        pupil=pupil,
        recorded_by_id=actor.user_id,
    )
    # Only what the monitoring counts: never the question or the advice.
    record_event(
        actor,
        MeldcodeAction.ADVICE_REQUEST_RECORD,
        obj=request,
        pupil=pupil,
        detail={"held_on": held_on.isoformat(), "anonymous": anonymous},
    )
    return request
