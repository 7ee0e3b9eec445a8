"""`python manage.py seed_demo`: load the fictional demo schools (development only, idempotent).

Everything is written through the services, exactly as people would do it in the application:
the school is bootstrapped, its functional administrator creates the staff, groups and pupils,
the operator confirms the first AF (as `confirm_role_grant` would), who approves the other roles
that read dossiers, and the staff log signals and take dossiers through the route. So the demo data carries the same
audit trail and passes the same validation as real data. The content lives in
`haven.tools.demo_data`; this command only plays it.

First comes the history (`haven.tools.demo_history`): the region's ten schools start with Haven
five school years ago and every year's pupils, signals and dossiers are played at the moment they
happened, under the seeding clock (`haven.infrastructure.clock`), in time order, so the audit log's
timestamps never go backwards. Then, at the real time, the demo's own groups and dossiers of the
last weeks, the policy officers, the region and the public figures.
"""

import csv
import dataclasses
import datetime as dt
import io
import random
import re
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from haven.access.labels import ROLE_LABELS
from haven.access.middleware import actor_for
from haven.access.policy import Actor
from haven.access.roles import Role
from haven.accounts import role_requests
from haven.accounts.models import AccountLink, Membership, RoleRequest, User
from haven.accounts.services import (
    create_analyst_account,
    create_staff_account,
    enrol_totp_device,
    set_demo_password,
    update_staff_account,
)
from haven.external_signals.services import (
    record_police_notice,
    record_referral_index,
    record_referral_index_without_case,
)
from haven.followup.models import EvaluationMoment
from haven.followup.services import (
    answer_evaluation,
    record_feedback,
    record_feedback_agreement,
    record_help_plan,
    record_lead,
)
from haven.infrastructure.clock import SeedingClock, seeding_clock
from haven.insights.models import Region
from haven.insights.public_figures import import_public_figures
from haven.meldcode import services as route
from haven.meldcode.advice import record_advice_request
from haven.meldcode.models import Case, Report, Signal
from haven.meldcode.queries import PARENT_RELATIONS
from haven.organisations.bootstrap import bootstrap_school
from haven.organisations.models import Group, School
from haven.organisations.services import save_group
from haven.pupils.models import Pupil
from haven.pupils.services import (
    add_household_member,
    add_pupils,
    link_siblings,
    place_pupil,
    place_pupils,
    save_pupil,
)
from haven.tools import demo_data as demo
from haven.tools import demo_history as history
from haven.tools.scale import refresh_planner_statistics

DEFAULT_PORT = 8000
# No invitation mails: the demo accounts share the published demo password, the history's staff never sign in.
NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"
DATE_PLACEHOLDER = re.compile(r"\{d(\d+)\}")
PUBLIC_FIGURES_HEADER = (
    "municipality_code",
    "municipality",
    "year",
    "pupils_primary",
    "advice_requests_education",
    "reports_education",
    "referral_index_signals_primary",
)
# Events of "today" happen in the morning; before noon the demo's today is the previous school day.
MORNING_END = dt.time(12, 0)


class Command(BaseCommand):
    help = "Load the fictional demo schools and their dossiers (development only; a second run changes nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--port", type=int, default=DEFAULT_PORT, help="The port Haven will run on, for the address printed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HAVEN_ENV == "production":
            raise CommandError(
                "seed_demo refuses to run in production (HAVEN_ENV=production): the demo accounts share a published "
                "password and the demo dossiers are fiction."
            )
        if School.objects.filter(brin_code=demo.DEMO_BRIN).exists():
            self.stdout.write("The demo data is already there; nothing was changed.")
        else:
            # DEBUG keeps every query in memory with its SQL; the seeder's tens of thousands need not be.
            with override_settings(DEBUG=False), transaction.atomic():
                Seeder(random.Random(demo.RANDOM_SEED)).run()  # noqa: S311 (not security: a repeatable demo)
                refresh_planner_statistics()
                # The monitoring reads rollups: count them now, so its pages have figures at once.
                call_command("refresh_insights", stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_accounts(options["port"])

    def print_accounts(self, port: int = DEFAULT_PORT) -> None:
        rows = []
        for school_data in demo.SCHOOLS:
            for person in (*school_data.staff, school_data.admin):
                membership = (
                    Membership.objects.filter(user__username=person.username, school__brin_code=school_data.brin)
                    .select_related("school")
                    .first()
                )
                if membership is None:
                    continue
                role = membership.role + (f" ({', '.join(person.groups)})" if person.groups else "")
                rows.append((person.username, role, membership.school.name))
        for person, organisation in (
            (demo.BOARD_ANALYST, demo.BOARD),
            (demo.MUNICIPALITY_ANALYST, demo.MUNICIPALITY),
            (history.REGION_ANALYST, history.REGION),
        ):
            if User.objects.filter(username=person.username).exists():
                rows.append((person.username, person.role, organisation))
        self.stdout.write("")
        self.stdout.write("Demo accounts:")
        self.stdout.write(f"  {'username':<20}{'role':<30}school")
        for username, role, school in rows:
            self.stdout.write(f"  {username:<20}{role:<30}{school}")
        self.stdout.write("")
        self.stdout.write(f"Password for every demo account: {settings.HAVEN_DEMO_PASSWORD}")
        self.stdout.write(
            "Two-factor sign-in (IB, AF, school leader, functional administrator): add the TOTP secret "
            f"{demo.DEMO_TOTP_SECRET} to an authenticator app, or get the current code: `python manage.py demo_code`."
        )
        self.stdout.write(
            f"History: {len(history.school_plans())} schools in {len(history.MUNICIPALITIES)} municipalities "
            f"({history.REGION}), {history.YEARS} school years; the staff of the other schools have no password."
        )
        self.stdout.write(
            f"Start Haven (python manage.py runserver 127.0.0.1:{port}) and open http://127.0.0.1:{port}/"
        )


class Seeder:
    """Plays `demo_history` and then `demo_data` through the services, as the people in them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now()
        local_now = timezone.localtime(self.now)
        self.today = local_now.date() if local_now.time() >= MORNING_END else local_now.date() - dt.timedelta(days=1)
        self.users: dict[str, User] = {}
        self.actors: dict[str, Actor] = {}
        self.pupils: dict[str, Pupil] = {}
        self.history = history.plan(self.now)
        self.player = HistoryPlayer(self, self.history)

    def run(self) -> None:
        # Five school years ago the schools start with Haven; from then on everything happens at its moment.
        with override_settings(EMAIL_BACKEND=NO_MAIL), seeding_clock(self.history.start) as clock:
            for school_data in demo.SCHOOLS:
                self.school(school_data)
            for staff in history.HISTORY_SCHOOLS:
                self.history_school(staff)
            self.player.play(clock)
        # Now, at the real time: the demo's own groups of this year and the dossiers of the last weeks.
        for school_data in demo.SCHOOLS:
            self.groups(school_data)
        self.region()
        school = School.objects.get(brin_code=demo.DEMO_BRIN)
        for person, where in (
            (demo.BOARD_ANALYST, {"board": school.board}),
            (demo.MUNICIPALITY_ANALYST, {"municipality": school.municipality}),
            (history.REGION_ANALYST, {"region": Region.objects.get(name=history.REGION)}),
        ):
            create_analyst_account(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                password=settings.HAVEN_DEMO_PASSWORD,
                **where,
            )
        for dossier in demo.DOSSIERS:
            self.dossier(dossier)
        self.after_the_decision()
        for loose in demo.LOOSE_SIGNALS:
            self.loose_signal(loose)

    # People and time ----------------------------------------------------------------------------

    def actor(self, username: str) -> Actor:
        if username not in self.actors:
            actor, _membership = actor_for(self.users[username])
            assert actor is not None and actor.school_id is not None, username
            self.actors[username] = actor
        return self.actors[username]

    def day(self, days_ago: int) -> dt.date:
        """The school day `days_ago` days before today (a weekend moves back to the Friday)."""
        day = self.today - dt.timedelta(days=days_ago)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return day

    def moment(self, days_ago: int, at: str) -> dt.datetime:
        hour, minute = (int(part) for part in at.split(":"))
        moment = timezone.make_aware(dt.datetime.combine(self.day(days_ago), dt.time(hour, minute)))
        if moment > self.now:
            raise CommandError(f"Demo data bug: a moment in the future ({days_ago} days ago at {at}).")
        return moment

    def fill(self, event: Any) -> Any:
        """The event with {dNN} in its texts replaced by the date NN days ago."""
        changes = {
            f.name: DATE_PLACEHOLDER.sub(lambda m: self.day(int(m.group(1))).strftime("%d-%m-%Y"), value)
            for f in dataclasses.fields(event)
            if isinstance(value := getattr(event, f.name), str)
        }
        return dataclasses.replace(event, **changes)

    # The schools, their staff, groups and pupils --------------------------------------------------

    def school(self, data: demo.SchoolData) -> None:
        """A demo school starts with Haven: bootstrapped, its staff created and approved, with the demo password."""
        admin = data.admin
        school = bootstrap_school(
            board_name=demo.BOARD,
            municipality_name=demo.MUNICIPALITY,
            school_name=data.name,
            brin_code=data.brin,
            admin_username=admin.username,
            admin_first_name=admin.first_name,
            admin_last_name=admin.last_name,
            admin_password=settings.HAVEN_DEMO_PASSWORD,
            admin_email=admin.email,
            street_address=data.address[0],
            postal_code=data.address[1],
            city=data.address[2],
        )
        self.users[admin.username] = User.objects.get(username=admin.username)
        manager = self.actor(admin.username)
        self.staff(school, manager, data.staff)
        # After the approvals, the published demo password again: an approval starts the account
        # afresh (haven.accounts.role_requests._grant).
        for person in data.staff:
            set_demo_password(self.users[person.username])
        for person in (admin, *data.staff):
            if person.role in settings.HAVEN_TWO_FACTOR_ROLES:
                enrol_totp_device(self.users[person.username], secret_base32=demo.DEMO_TOTP_SECRET)

    def history_school(self, data: history.HistoryStaff) -> None:
        """A school of the history: an account for each role the route needs, none of them with a password."""
        admin = data.admin
        school = bootstrap_school(
            board_name=data.board,
            municipality_name=data.municipality.name,
            school_name=data.name,
            brin_code=data.brin,
            admin_username=admin.username,
            admin_first_name=admin.first_name,
            admin_last_name=admin.last_name,
            admin_email=admin.email,
        )
        self.users[admin.username] = User.objects.get(username=admin.username)
        AccountLink.objects.filter(user=self.users[admin.username], used_at__isnull=True).delete()
        self.staff(school, self.actor(admin.username), data.people)

    def staff(self, school: School, manager: Actor, people: tuple[demo.Person, ...]) -> None:
        """The administrator creates the accounts; the operator confirms the first AF, who approves the other roles."""
        for person in people:
            self.users[person.username] = create_staff_account(
                manager,
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                role=person.role,
                invite=False,
            )
        waiting = list(RoleRequest.objects.filter(school=school, status=RoleRequest.Status.PENDING))
        first = next(r for r in waiting if r.role == Role.SAFEGUARDING_LEAD)
        role_requests.confirm_by_operator(first.pk)
        approver = self.actor(first.user.username)
        for request in waiting:
            if request is not first:
                role_requests.approve(approver, request.pk)
        for person in people:
            user = User.objects.get(pk=self.users[person.username].pk)
            # Nobody waits for an invitation: the demo sets its password, the history's staff never sign in.
            AccountLink.objects.filter(user=user, used_at__isnull=True).delete()
            self.users[person.username] = user

    def groups(self, data: demo.SchoolData) -> None:
        """This year's groups of the demo, with their teachers: the demo's children and their classmates,
        who came up from last year's groups of the history."""
        school = School.objects.get(brin_code=data.brin)
        manager = self.actor(data.admin.username)
        for brin, username, role in demo.PENDING_ROLE_REQUESTS:
            if brin == school.brin_code:
                user = self.users[username]
                # Asked by the administrator, left waiting for the AF.
                update_staff_account(
                    manager,
                    user,
                    first_name=user.first_name,
                    last_name=user.last_name,
                    email=user.email,
                    role=role,
                    is_active=True,
                )
        taken = {c.last_name for c in demo.CHILDREN}
        roster = self.history.rosters[data.brin]
        full_names = {(p.first_name, p.last_name) for p in roster.pupils}
        for name in data.groups:
            teachers = [self.users[p.username] for p in data.staff if name in p.groups]
            group = save_group(manager, name=name, school_year=demo.SCHOOL_YEAR, teachers=teachers)
            children = [c for c in demo.CHILDREN if c.school == school.brin_code and c.group == name]
            for child in children:
                pupil = self.pupil(
                    manager, group, child.first_name, child.last_name, child.born, address=demo.address_of(child)
                )
                full_names.add((child.first_name, child.last_name))
                self.pupils[child.key] = pupil
                for member_name, relation, lives_with in child.household:
                    add_household_member(
                        manager, pupil, name=member_name, relation=relation, lives_with_pupil=lives_with
                    )
            classmates = self.player.classmates(data.brin, name)
            place_pupils(manager, classmates, group)
            for _index in range(demo.PUPILS_PER_GROUP - len(children) - len(classmates)):
                first_name, last_name = self.generated_name(taken, full_names)
                self.pupil(manager, group, first_name, last_name, self.birth_date(name))

    def region(self) -> None:
        """The region of the three municipalities and their published figures, imported by the
        operator as `import_public_figures FILE --region NAME` would: the import records the
        municipalities' CBS-like codes, creates the region and adds them to it."""
        rows = history.public_figures(timezone.localdate(self.now), self.rng)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(PUBLIC_FIGURES_HEADER)
        for row in rows:
            counts = (
                row.pupils_primary,
                row.advice_requests_education,
                row.reports_education,
                row.referral_index_signals_primary,
            )
            writer.writerow(
                [row.municipality.code, row.municipality.name, row.year, *("" if c is None else c for c in counts)]
            )
        result = import_public_figures(None, text.getvalue(), region=history.REGION, create_missing=True)
        if not result.ok:
            raise CommandError("Demo data bug: the public figures do not import: " + " ".join(result.errors))

    def report_contacts(self, username: str, case: Case) -> dict[str, Any]:
        """What the report form prefills from the reporter's account, the school and the pupil."""
        user, role = self.users[username], self.actor(username).role
        pupil, school = case.pupil, case.school
        parents = [m for m in pupil.household.all() if m.relation in PARENT_RELATIONS]
        with translation.override("nl"):
            contacts = "\n".join(
                f"{m.name} ({m.get_relation_display()}): {pupil.address if m.lives_with_pupil else 'adres niet bekend'}"
                for m in parents
            )
            function = str(ROLE_LABELS[role.value]) if role is not None else ""
        return {
            "reporter_name": user.get_full_name(),
            "reporter_function": function,
            "reporter_email": user.email,
            "school_name": school.name,
            "school_address": school.address,
            "pupil_address": pupil.address,
            "household_contacts": contacts,
            "household_contacts_unknown": not parents,
        }

    def pupil(
        self, manager: Actor, group: Group, first_name: str, last_name: str, born: dt.date, address: str = ""
    ) -> Pupil:
        pupil = save_pupil(manager, first_name=first_name, last_name=last_name, date_of_birth=born, address=address)
        place_pupil(manager, pupil, group)
        return pupil

    def generated_name(self, taken_last_names: set[str], full_names: set[tuple[str, str]]) -> tuple[str, str]:
        while True:
            name = (self.rng.choice(demo.FIRST_NAMES), self.rng.choice(demo.LAST_NAMES))
            if name[1] not in taken_last_names and name not in full_names:
                full_names.add(name)
                return name

    def birth_date(self, group_name: str) -> dt.date:
        first, last = demo.BIRTH_RANGES[group_name]
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    # Signals and dossiers -------------------------------------------------------------------------

    def log(self, pupil: Pupil, sig: demo.Sig, case: Case | None = None) -> Signal:
        sig = self.fill(sig)
        signal = route.log_signal(
            self.actor(sig.author),
            pupil=pupil,
            observed_at=self.moment(sig.days_ago, sig.at),
            source=sig.source,
            categories=list(sig.categories),
            facts=sig.facts,
            child_words=sig.child_words,
            interpretation=sig.interpretation,
            context=sig.context,
            contradicting_info=sig.contradicting_info,
            other_pupils=[self.pupils[key] for key in sig.other_pupils],
            case=case,
        )
        if sig.look_along:
            request = route.request_look_along(self.actor(sig.author), signal)
            if sig.look_along != "open":
                route.pick_up_look_along(self.actor(sig.look_along), request)
        return signal

    def loose_signal(self, loose: demo.LooseSignal) -> None:
        signal = self.log(self.pupils[loose.child], loose.signal)
        if loose.noted_by:
            route.note_signal(self.actor(loose.noted_by), signal, reason=loose.noted_reason)

    def after_the_decision(self) -> None:
        """Siblings, help plans and the follow-up of reports, through their services."""
        for a, b in demo.SIBLINGS:
            link_siblings(self.actor("beheerder"), self.pupils[a], self.pupils[b])
        for plan in demo.HELP_PLANS:
            case = Case.objects.get(pupil=self.pupils[plan.child])
            record_help_plan(
                self.actor(plan.by),
                case,
                description=plan.description,
                provided_by=plan.provided_by,
                agreed_with_parents=True,
                parents_agreement=plan.parents_agreement,
                starts_on=self.today - dt.timedelta(days=plan.started_days_ago),
                ends_on=self.today + dt.timedelta(days=plan.ends_in_days),
                evaluations=[self.today + dt.timedelta(days=days) for days in plan.evaluations],
            )
        for feedback in demo.FEEDBACK:
            report = Report.objects.get(case__pupil=self.pupils[feedback.child], made_on__isnull=False)
            actor = self.actor(feedback.by)
            assert report.made_on is not None
            record_feedback_agreement(
                actor,
                report,
                feedback_agreed_on=report.made_on + dt.timedelta(days=feedback.agreed_days_after_report),
                feedback_agreed_how=feedback.how,
            )
            record_lead(
                actor,
                report,
                lead=feedback.lead,
                lead_contact_name=feedback.contact_name,
                lead_contact_details=feedback.contact_details,
            )
            if feedback.received_days_ago is not None:
                record_feedback(
                    actor,
                    report,
                    outcome=feedback.outcome,
                    feedback_received_on=self.today - dt.timedelta(days=feedback.received_days_ago),
                    follow_up_started=feedback.follow_up_started,
                    school_expectations=feedback.expectations,
                )

    def dossier(self, spec: demo.Dossier) -> None:
        pupil = self.pupils[spec.child]
        case: Case | None = None
        report: Report | None = None
        for raw in spec.events:
            event = self.fill(raw)
            if isinstance(event, demo.Sig):
                if case is None:
                    signal = self.log(pupil, event)
                    case = route.open_case(self.actor(spec.opened_by), signal, lead=self.users[spec.lead])
                elif event.in_case:
                    self.log(pupil, event, case=case)
                else:
                    route.attach_signal(self.actor(spec.opened_by), self.log(pupil, event), case)
                continue
            if case is None:
                raise CommandError(f"Demo data bug: the dossier of {spec.child} must start with a signal.")
            actor = self.actor(event.by)
            if isinstance(event, demo.Consult):
                route.record_consultation(
                    actor,
                    case,
                    held_on=self.day(event.days_ago),
                    consulted=event.consulted,
                    consulted_name=event.consulted_name,
                    anonymous=event.anonymous,
                    question=event.question,
                    advice=event.advice,
                    agreed_actions=event.agreed_actions,
                )
            elif isinstance(event, demo.Talk):
                route.record_conversation(
                    actor,
                    case,
                    held_on=self.day(event.days_ago),
                    participants=list(event.participants),
                    participants_detail=event.participants_detail,
                    face_to_face=event.face_to_face,
                    location=event.location,
                    shared=event.shared,
                    reaction=event.reaction,
                    agreements=event.agreements,
                    acknowledgement=event.acknowledgement,
                )
            elif isinstance(event, demo.SkipTalk):
                route.skip_conversation(actor, case, reason=event.reason, explanation=event.explanation)
            elif isinstance(event, demo.Weigh):
                route.record_weighing(
                    actor,
                    case,
                    suspicion=event.suspicion,
                    suspicion_explanation=event.suspicion_explanation,
                    unsafety=event.unsafety,
                    unsafety_explanation=event.unsafety_explanation,
                    risk_factors=event.risk_factors,
                    protective_factors=event.protective_factors,
                    safety_score_parents=event.safety_score_parents,
                    safety_score_pupil=event.safety_score_pupil,
                )
            elif isinstance(event, demo.Acute):
                route.declare_acute(actor, case, explanation=event.explanation)
            elif isinstance(event, demo.Decide):
                route.decide(
                    actor,
                    case,
                    answers=event.answers,
                    outcome=event.outcome,
                    rationale=event.rationale,
                    decided_by=self.users[event.decided_by],
                    decided_at=self.moment(event.days_ago, event.at),
                )
            elif isinstance(event, demo.ReportDraft):
                fields = {f.name: getattr(event, f.name) for f in dataclasses.fields(event) if f.name != "by"}
                report = route.save_report(actor, case, **self.report_contacts(event.by, case), **fields)
            elif isinstance(event, demo.ReportMade):
                if report is None:
                    raise CommandError(f"Demo data bug: the report of {spec.child} is made before it is drafted.")
                route.mark_report_made(
                    actor,
                    report,
                    made_on=self.day(event.days_ago),
                    made_by=self.users[event.made_by],
                    vt_reference=event.vt_reference,
                )
            elif isinstance(event, demo.AddMember):
                route.add_case_member(actor, case, self.users[event.user])
            elif isinstance(event, demo.Close):
                route.close_case(actor, case, reason=event.reason, explanation=event.explanation)
            else:  # pragma: no cover - a new event type without a player
                raise CommandError(f"Demo data bug: no way to play {type(event).__name__}.")


class HistoryPlayer:
    """Plays the history's actions through the services, each at its moment on the seeding clock.

    A thread's records (its signal, dossier, report, help plan) are kept between its actions.
    """

    def __init__(self, seeder: Seeder, planner: history.Planner) -> None:
        self.seeder = seeder
        self.planner = planner
        self.roster = {p.key: p for roster in planner.rosters.values() for p in roster.pupils}
        self.pupils: dict[str, Pupil] = {}
        self.threads: dict[str, dict[str, Any]] = {}

    def play(self, clock: SeedingClock) -> None:
        self.clock = clock
        for action in self.planner.actions:
            clock.advance_to(action.at)
            state = self.threads.setdefault(action.thread, {})
            # An action without a person is Haven's own (a system action).
            actor = self.seeder.actor(action.by) if action.by else None
            getattr(self, f"do_{action.verb}")(actor, action.data, state)

    def classmates(self, brin: str, group_name: str) -> list[Pupil]:
        """The history's pupils who are in this year group of the demo's school year."""
        year = int(demo.SCHOOL_YEAR[:4])
        grade = int(group_name.split()[-1])
        return [
            self.pupils[p.key]
            for p in self.planner.rosters[brin].in_year(year)
            if p.grade_in(year) == grade and p.key in self.pupils
        ]

    def user(self, username: str) -> User:
        return self.seeder.users[username]

    # The administrator ---------------------------------------------------------------------------

    def do_year_groups(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        """The new school year: the administrator adds the intake and places every group's class list."""
        new = [self.roster[key] for key in data["new"]]
        added = add_pupils(actor, [(p.first_name, p.last_name, p.born) for p in new])
        self.pupils.update(zip(data["new"], added, strict=True))
        for name, keys in data["groups"].items():
            group = save_group(actor, name=name, school_year=data["year"], teachers=[])
            place_pupils(actor, [self.pupils[key] for key in keys], group)

    # Signals -------------------------------------------------------------------------------------

    def do_signal(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        signal = route.log_signal(
            actor,
            pupil=self.pupils[data["pupil"]],
            observed_at=data["observed_at"],
            source=data["source"],
            categories=data["categories"],
            facts=data["facts"],
            child_words=data["child_words"],
            interpretation=data["interpretation"],
            contradicting_info=data["contradicting_info"],
        )
        state["pending" if data["attach"] else "signal"] = signal
        if data["look_along"]:
            state["look_along"] = route.request_look_along(actor, signal)

    def do_police_notice(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        notice = record_police_notice(actor, pupil=self.pupils[data["pupil"]], notice_date=data["notice_date"])
        state["signal"] = notice.signal

    def do_pick_up(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.pick_up_look_along(actor, state["look_along"])

    def do_note(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.note_signal(actor, state["signal"], reason=data["reason"])

    def do_open(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        state["case"] = route.open_case(actor, state["signal"], lead=self.user(data["lead"]))

    def do_attach(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.attach_signal(actor, state.pop("pending"), state["case"])

    # The steps -----------------------------------------------------------------------------------

    def do_consult(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.record_consultation(actor, state["case"], **data)

    def do_talk(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.record_conversation(actor, state["case"], **data)

    def do_skip_talk(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.skip_conversation(actor, state["case"], **data)

    def do_weigh(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.record_weighing(actor, state["case"], **data)

    def do_acute(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.declare_acute(actor, state["case"], **data)

    def do_decide(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.decide(
            actor,
            state["case"],
            answers=data["answers"],
            outcome=data["outcome"],
            rationale=data["rationale"],
            decided_by=self.user(data["decided_by"]),
            decided_at=self.clock.now(),
            deviation_justification=data["deviation_justification"],
        )

    def do_referral_index(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        record_referral_index(actor, state["case"], **data)

    def do_close(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.close_case(actor, state["case"], **data)

    def do_close_unrecorded(self, actor: None, data: dict[str, Any], state: dict[str, Any]) -> None:
        route.close_case_unrecorded(state["case"])

    # Without a dossier ---------------------------------------------------------------------------

    def do_advice_request(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        pupil = self.pupils[data["pupil"]] if data["pupil"] else None
        record_advice_request(
            actor,
            held_on=data["held_on"],
            anonymous=data["anonymous"],
            question=data["question"],
            advice=data["advice"],
            pupil=pupil,
        )

    def do_referral_index_loose(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        record_referral_index_without_case(
            actor, pupil=self.pupils[data["pupil"]], action=data["action"], on=data["on"]
        )

    # The report and the help ---------------------------------------------------------------------

    def do_report_draft(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        state["report"] = route.save_report(actor, state["case"], **data)

    def do_report_made(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        state["report"] = route.mark_report_made(
            actor,
            state["report"],
            made_on=data["made_on"],
            made_by=self.user(data["made_by"]),
            vt_reference=data["vt_reference"],
        )

    def do_feedback_agreed(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        record_feedback_agreement(
            actor, state["report"], feedback_agreed_on=data["agreed_on"], feedback_agreed_how=data["how"]
        )

    def do_lead(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        record_lead(actor, state["report"], lead=data["lead"], lead_contact_name=data["contact_name"])

    def do_feedback(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        record_feedback(
            actor,
            state["report"],
            outcome=data["outcome"],
            feedback_received_on=data["received_on"],
            follow_up_started=data["follow_up_started"],
            school_expectations=data["expectations"],
        )

    def do_help_plan(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        state["plan"] = record_help_plan(actor, state["case"], agreed_with_parents=True, **data)

    def do_evaluate(self, actor: Actor, data: dict[str, Any], state: dict[str, Any]) -> None:
        moment = EvaluationMoment.objects.get(plan=state["plan"], due_on=data["due_on"])
        answer_evaluation(
            actor, moment, effective=data["effective"], explanation=data["explanation"], answered_on=data["answered_on"]
        )
