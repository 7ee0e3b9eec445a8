"""`python manage.py confirm_role_grant BRIN USERNAME`: confirm the first AF (or school leader) of a new school.

A school without an active AF or school leader has nobody who can approve a role that reads
dossiers. Whoever runs the installation confirms that first one here, on the server, after
checking with the school who it is. Every later role is approved in Haven by that person (four
eyes); for a school that has one, this command refuses. For a school that HAD one (an AF or school
leader left, or the administrator took the role away), it refuses too, unless the operator, after
checking with the school's board who the person is, gives --school-had-approvers-reason "..."
(kept in the audit trail). Without USERNAME it lists the school's
pending requests.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.accounts import role_requests
from haven.accounts.models import RoleRequest
from haven.organisations.models import School


class Command(BaseCommand):
    help = "Confirm the first safeguarding lead (AF) or school leader of a school that has neither."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("brin", help="The school's BRIN code, e.g. 12AB.")
        parser.add_argument("username", nargs="?", help="The account whose pending role to confirm.")
        parser.add_argument(
            "--school-had-approvers-reason",
            default="",
            help="Needed when the school had an AF or school leader before: how the person was checked.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(brin_code=options["brin"].upper()).first()
        if school is None:
            raise CommandError(f"There is no school with BRIN code {options['brin']}.")
        waiting = RoleRequest.objects.filter(school=school, status=RoleRequest.Status.PENDING).select_related(
            "user", "requested_by"
        )
        if not options["username"]:
            self.stdout.write(f"Roles waiting for approval at {school.name}:")
            for asked in waiting:
                by = asked.requested_by.username if asked.requested_by else "-"
                self.stdout.write(f"  {asked.user.username:<20}{asked.role:<20}{asked.user.email:<35}asked by {by}")
            return
        request = waiting.filter(user__username__iexact=options["username"]).first()
        if request is None:
            raise CommandError(f"{options['username']} has no role waiting for approval at {school.name}.")
        try:
            role_requests.confirm_by_operator(request.pk, had_approvers_reason=options["school_had_approvers_reason"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user = request.user
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.username} is now {request.role} at {school.name}; an invitation went to {user.email}."
            )
        )
