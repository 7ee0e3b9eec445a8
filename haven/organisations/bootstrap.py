"""How a new school starts: the system action that creates it with its first functional administrator.

There is no acting person yet (nobody can sign in before this has run), so the audit event has no
actor. The administrator gets an invitation by e-mail and chooses their own password; only the
development demo passes a password (the published demo password), and production refuses one.
Everything after this, the administrator does through the ordinary services; the school's first
AF is confirmed on the server (`manage.py confirm_role_grant`).
"""

import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.access.roles import Role
from haven.accounts import invitations
from haven.accounts.models import AccountLink, Membership, User
from haven.audit.services import record_event
from haven.organisations.audit_actions import OrganisationAction
from haven.organisations.models import Board, Municipality, School

# Four characters (two digits, two letters), optionally followed by a two-digit location number.
BRIN_PATTERN = re.compile(r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$")


def _required(**values: str) -> dict[str, str]:
    cleaned = {name: value.strip() for name, value in values.items()}
    missing = {name: _("This field is required.") for name, value in cleaned.items() if not value}
    if missing:
        raise ValidationError(missing)
    return cleaned


@transaction.atomic
def bootstrap_school(
    *,
    board_name: str,
    municipality_name: str,
    school_name: str,
    brin_code: str,
    admin_username: str,
    admin_first_name: str,
    admin_last_name: str,
    admin_email: str = "",
    admin_password: str | None = None,
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
) -> School:
    """Get or create the board, municipality and school, and the school's first functional administrator.

    Running it again with the same values changes nothing. A BRIN code that already belongs to a
    school of another board, or an administrator username taken by someone who is not this
    school's functional administrator, is refused. Without a password (always, in production)
    the administrator needs an e-mail address and gets the invitation there; a given password
    must pass Django's password validators. One transaction, one audit event (when anything was
    created).
    """
    if admin_password is not None and settings.HAVEN_ENV == "production":
        raise ValidationError(
            {"admin_password": _("In production the administrator chooses their own password, via the invitation.")}
        )
    if admin_password is None and not admin_email.strip():
        raise ValidationError({"admin_email": _("Fill in the e-mail address: Haven sends the invitation there.")})
    values = _required(
        board_name=board_name,
        municipality_name=municipality_name,
        school_name=school_name,
        brin_code=brin_code,
        admin_username=admin_username,
        admin_first_name=admin_first_name,
        admin_last_name=admin_last_name,
    )
    brin = values["brin_code"].upper()
    if not BRIN_PATTERN.match(brin):
        raise ValidationError({"brin_code": _("A BRIN code is two digits and two letters, for example 12AB.")})

    created: list[str] = []
    board, board_created = Board.objects.get_or_create(name=values["board_name"])
    municipality, municipality_created = Municipality.objects.get_or_create(name=values["municipality_name"])
    school, school_created = School.objects.get_or_create(
        brin_code=brin,
        defaults={
            "name": values["school_name"],
            "board": board,
            "municipality": municipality,
            # The address the report to Veilig Thuis names (optional: the school can add it later).
            "street_address": street_address.strip(),
            "postal_code": postal_code.strip().upper(),
            "city": city.strip(),
        },
    )
    if not school_created and school.board_id != board.pk:
        raise ValidationError({"brin_code": _("This BRIN code already belongs to a school of another board.")})
    created += [name for name, flag in (("board", board_created), ("municipality", municipality_created)) if flag]
    if school_created:
        created.append("school")

    admin = User.objects.filter(username__iexact=values["admin_username"]).first()
    if admin is None:
        admin = User(
            username=values["admin_username"],
            first_name=values["admin_first_name"],
            last_name=values["admin_last_name"],
            email=admin_email.strip(),
        )
        if admin_password is None:
            admin.set_unusable_password()
        else:
            try:
                validate_password(admin_password, admin)
            except ValidationError as error:
                raise ValidationError({"admin_password": error.messages}) from error
            admin.set_password(admin_password)
        admin.save()
        Membership.objects.create(user=admin, school=school, role=Role.FUNCTIONAL_ADMIN.value)
        if admin_password is None:
            invitations.issue_link(admin, AccountLink.Purpose.INVITATION, school_name=school.name)
        created.append("admin")
    elif not Membership.objects.filter(user=admin, school=school, role=Role.FUNCTIONAL_ADMIN.value).exists():
        raise ValidationError({"admin_username": _("This username is already taken.")})

    if created:
        record_event(
            None,
            OrganisationAction.SCHOOL_BOOTSTRAP,
            obj=school,
            school_id=school.pk,
            detail={"brin_code": brin, "admin": admin.username, "created": created},
        )
    return school
