"""The one guard of every write: the actor's role must carry the permission, else PermissionDenied.

Services call it first; views never see the refusal as anything but a 403 with this Dutch message.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from haven.access.policy import Actor, has_permission


def require_permission(actor: Actor, permission: str) -> None:
    if not has_permission(actor, permission):
        raise PermissionDenied(_("Your role does not allow this."))
