"""What a database dump must never show: values that say what happened to a child.

Reusable: the scans in tests/integration/test_dump_scan.py look for these in the raw database
(the SQLite file, a PostgreSQL `pg_dump`). `KNOWN` lists the plaintexts the demo data and the
scan's own extra rows put in the database; extend it (and the scanned tables) as more columns
are encrypted.
"""

import base64
import dataclasses
from collections.abc import Iterator
from typing import Any

from haven.meldcode.models import Signal
from haven.tools import demo_data

# Rows the scan adds to the demo data (the demo has no handover package or parents' access).
HANDOVER_INFORMED_HOW = "Vader Zeppelinmans kreeg de overdracht telefonisch uitgelegd."
HANDOVER_NOT_INFORMED = "Moeder Zeppelinmans is onvindbaar sinds de aangifte."
DISCLOSURE_REASON = "Zeppelinbron wil anoniem blijven uit angst voor de vader."
DISCLOSURE_WITHHELD = "Zeppelindetail over de buurvrouw."
ADVICE_QUESTION = "Zeppelinkind vertelt dat stiefvader hem opsluit in de kelder: wat nu?"
ADVICE_GIVEN = "Zeppelinadvies: leg de signalen vast en bespreek ze met de moeder."


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _walk(getattr(value, field.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _walk(item)


def _demo_objects() -> Iterator[Any]:
    for name in dir(demo_data):
        if name.isupper():
            yield from _walk(getattr(demo_data, name))


def category_codes() -> list[str]:
    """As Signal.categories stores them; "other" is also a plain code elsewhere (a signal's source,
    a household member's relation), so it says nothing by itself and is not looked for."""
    return [code for code in Signal.Category.values if code != Signal.Category.OTHER]


def demo_vt_references() -> list[str]:
    return sorted({o.vt_reference for o in _demo_objects() if isinstance(o, demo_data.ReportMade) and o.vt_reference})


def demo_household_names() -> list[str]:
    return sorted(
        {name for o in _demo_objects() if isinstance(o, demo_data.Child) for name, _rel, _lives in o.household}
    )


def demo_pupil_addresses() -> list[str]:
    return sorted({demo_data.address_of(o) for o in _demo_objects() if isinstance(o, demo_data.Child)})


def demo_totp_key_forms() -> list[str]:
    """The demo accounts' TOTP secret as a person types it (base32) and as django-otp keeps it (hex)."""
    secret = base64.b32decode(demo_data.DEMO_TOTP_SECRET)
    return [demo_data.DEMO_TOTP_SECRET, secret.hex(), secret.hex().upper()]


def known() -> dict[str, list[str]]:
    """Each kind of plaintext with its values."""
    return {
        "signal categories": category_codes(),
        "Veilig Thuis references": demo_vt_references(),
        "household members' names": demo_household_names(),
        "pupils' addresses": demo_pupil_addresses(),
        "handover packages: parents informed": [HANDOVER_INFORMED_HOW, HANDOVER_NOT_INFORMED],
        "parents' access: what is withheld and why": [DISCLOSURE_REASON, DISCLOSURE_WITHHELD],
        "advice requests without a dossier": [ADVICE_QUESTION, ADVICE_GIVEN],
        "two-factor keys": demo_totp_key_forms(),
    }


def found_in(data: bytes) -> list[str]:
    """The known plaintexts that occur in `data` (as UTF-8), each as "kind: value"."""
    return [f"{kind}: {value}" for kind, values in known().items() for value in values if value.encode() in data]


def add_scan_rows() -> None:
    """The rows the demo lacks: two handover packages, a parents' access export and an advice request
    without a dossier, with known texts."""
    from haven.disclosure.models import Disclosure
    from haven.handover.models import HandoverPackage
    from haven.meldcode.models import AdviceRequest, Case

    case = Case.objects.order_by("pk").first()
    assert case is not None, "the demo data holds no dossier"
    common = {"school_id": case.school_id, "case": case, "made_by_id": case.lead_id, "parts": ["signals"]}
    HandoverPackage.objects.create(**common, parents_informed=True, parents_informed_how=HANDOVER_INFORMED_HOW)
    HandoverPackage.objects.create(**common, parents_informed=False, not_informed_reason=HANDOVER_NOT_INFORMED)
    Disclosure.objects.create(
        school_id=case.school_id,
        pupil_id=case.pupil_id,
        made_by_id=case.lead_id,
        items=["signal-1"],
        withheld={"signal-1": DISCLOSURE_WITHHELD},
        reporter_identity_withheld=True,
        reporter_reason=DISCLOSURE_REASON,
    )
    AdviceRequest.objects.create(
        school_id=case.school_id,
        held_on=case.opened_at.date(),
        anonymous=False,
        question=ADVICE_QUESTION,
        advice=ADVICE_GIVEN,
        pupil_id=case.pupil_id,
        recorded_by_id=case.lead_id,
    )
