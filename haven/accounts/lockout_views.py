"""The school's sign-in locks: the functional administrator and the AF see and lift them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.accounts import services
from haven.accounts.lockout import locks_for_school
from haven.accounts.models import User


@requires("account.unlock")
def lock_list(request: ActorRequest) -> HttpResponse:
    locks = locks_for_school(request.actor.member_school_id)
    return render(request, "accounts/lock_list.html", {"locks": locks})


@require_POST
@requires("account.unlock")
def lift(request: ActorRequest, pk: int) -> HttpResponse:
    # Another school's account answers 404: its existence does not leak.
    user = get_object_or_404(User, pk=pk, memberships__school_id=request.actor.school_id)
    try:
        services.lift_lockout(request.actor, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("lockouts:list")
    messages.success(request, _("%(name)s can sign in again.") % {"name": user.get_full_name() or user.username})
    return redirect("lockouts:list")
