"""The authorization matrix: every URL of Haven, the object it is asked about and the answer per actor.

tests/integration/test_authorization.py asks every URL as every actor from it (and fails on a URL
without a row); tests/browser/test_accessibility.py opens every page from it. Object URLs are asked
about `objects(cast)` (the `objects` fixture of tests/conftest.py): a dossier in school A that
`teacher` is a member of (through her signal) and `teacher2` is not, and the records around it;
`af_b` works at school B, where these objects must not even seem to exist (404).
"""

import json
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from haven.accounts import invitations
from haven.accounts import services as account_services
from haven.accounts.models import RoleRequest
from haven.api import services as api_services
from haven.disclosure.queries import build_record
from haven.disclosure.services import record_disclosure
from haven.external_signals import services as external_services
from haven.handover import services as handover_services
from haven.handover.models import HandoverNotice
from haven.meldcode import services
from haven.pupils import services as pupil_services
from haven.pupils.administration import samples as pupil_samples
from haven.pupils.administration import sync as pupil_import
from tests.builders import followup_objects, school_account_provider
from tests.factories import GroupFactory, PupilFactory, SchoolFactory, place

if TYPE_CHECKING:
    from tests.conftest import Cast

ACTORS = [
    "anonymous",
    "teacher",
    "teacher2",
    "assistant",
    "ib",
    "af",
    "leader",
    "admin",
    "af_b",
    "board",
    "municipality",
    "region",
]
STAFF_A = {"teacher", "teacher2", "assistant", "ib", "af", "leader"}
WIDE_A = {"ib", "af", "leader"}
DECIDERS_A = {"af", "leader"}
ANALYSTS = {"board", "municipality", "region"}
# The monitoring: the AF and the school leader of their own school (school B's AF of school B), and the
# policy officers of their board, municipality or region.
INSIGHTS = {"af", "leader", "af_b"} | ANALYSTS
# People without an authenticator yet (two-factor sign-in is optional for them).
NO_DEVICE = {"teacher", "teacher2", "assistant"} | ANALYSTS


def expect(
    ok: AbstractSet[str],
    *,
    ok_code: int = 200,
    hidden: AbstractSet[str] = frozenset(),
    other: AbstractSet[str] = frozenset(),
) -> dict[str, int]:
    """Status per actor: `ok` get ok_code, `hidden` and `other` 404, the rest 403; anonymous goes to sign-in."""
    result = {}
    for actor in ACTORS:
        if actor == "anonymous":
            result[actor] = 302
        elif actor in ok:
            result[actor] = ok_code
        elif actor in hidden or actor in other:
            result[actor] = 404
        else:
            result[actor] = 403
    return result


# A case object in school A: visible to its members and the school-wide roles only.
CASE_VIEW = expect({"teacher", "ib", "af", "leader"}, hidden={"teacher2", "assistant"}, other={"af_b"})
CASE_WIDE = expect(WIDE_A, other={"af_b"})
CASE_DECIDE = expect(DECIDERS_A, other={"af_b"})

# (url name, object, method, expected status per actor)
MATRIX = [
    # Follow-up of a report and help plans with question 5 (haven.followup): the school-wide roles.
    ("followup:feedback_agreement", "made_report", "get", CASE_WIDE),
    ("followup:lead", "made_report", "get", CASE_WIDE),
    ("followup:feedback", "made_report", "get", CASE_WIDE),
    ("followup:plan_create", "help_case", "get", CASE_WIDE),
    ("followup:evaluation", "evaluation", "get", CASE_WIDE),
    # Signalling: Handle with Care (the AF and the IB), its support task (only the teacher it is for),
    # the verwijsindex (school-wide roles), planned conversations (who may see the dossier), and
    # brothers and sisters (the functional administrator).
    ("external_signals:police_notice", None, "get", expect({"ib", "af", "af_b"})),
    (
        "external_signals:support_task",
        "support_task",
        "get",
        expect({"teacher"}, hidden=STAFF_A - {"teacher"}, other={"af_b"}),
    ),
    (
        "external_signals:support_task_done",
        "support_task",
        "post",
        expect({"teacher"}, ok_code=302, hidden=STAFF_A - {"teacher"}, other={"af_b"}),
    ),
    ("external_signals:referral_index", "case", "post", expect(WIDE_A, ok_code=302, other={"af_b"})),
    # Verwijsindex signals and advice requests to Veilig Thuis without a dossier: the school-wide roles,
    # each of their own school (af_b sees only school B's; see test_referral_index_without_case).
    ("external_signals:referral_index_list", None, "get", expect(WIDE_A | {"af_b"})),
    ("external_signals:referral_index_create", None, "get", expect(WIDE_A | {"af_b"})),
    ("meldcode:advice_request_list", None, "get", expect(WIDE_A | {"af_b"})),
    ("meldcode:advice_request_create", None, "get", expect(WIDE_A | {"af_b"})),
    ("meldcode:conversation_plan", "case", "get", CASE_VIEW),
    (
        "meldcode:conversation_plan_cancel",
        "planned_conversation",
        "post",
        expect({"teacher", "ib", "af", "leader"}, ok_code=302, hidden={"teacher2", "assistant"}, other={"af_b"}),
    ),
    ("pupils:siblings", "pupil", "post", expect({"admin"}, ok_code=302)),
    # The pupil import from the school's administration (haven.pupils.administration): the functional
    # administrator; an upload of another school is a 404 (tests/integration/test_pupil_import.py).
    ("pupils:import_upload", None, "get", expect({"admin"})),
    ("pupils:import_mapping", None, "get", expect({"admin"})),
    ("pupils:import_dry_run", "pupil_upload", "get", expect({"admin"})),
    # PDF exports: for those who may read the dossier (the report: for those who may report).
    ("documents:chronology", "case", "get", CASE_VIEW),
    ("documents:conversation", "conversation", "get", CASE_VIEW),
    ("documents:report", "reported_case", "get", CASE_DECIDE),
    # Handover: a notice only for the new teacher it is addressed to (teacher2); the rest for the AF and leader.
    ("handover:notice", "notice", "get", expect({"teacher2"}, hidden=STAFF_A - {"teacher2"}, other={"af_b"})),
    (
        "handover:notice_read",
        "notice",
        "post",
        expect({"teacher2"}, ok_code=302, hidden=STAFF_A - {"teacher2"}, other={"af_b"}),
    ),
    ("handover:notice_decide", "notice", "get", expect(DECIDERS_A, other={"af_b"})),
    ("handover:package_create", "case", "get", expect(DECIDERS_A, other={"af_b"})),
    ("handover:package_detail", "package", "get", expect(DECIDERS_A, other={"af_b"})),
    ("handover:package_pdf", "package", "get", expect(DECIDERS_A, other={"af_b"})),
    ("handover:package_json", "package", "get", expect(DECIDERS_A, other={"af_b"})),
    ("handover:package_import", None, "get", expect(DECIDERS_A | {"af_b"})),
    ("handover:import_confirm", "pending_import", "get", expect(DECIDERS_A, other={"af_b"})),
    # Handover between two Haven schools: the sender's receipt (school A sent it), and the receiving AF's
    # page (school B sent it to school A); the other school's AF does not see that either exists.
    ("handover:transfer_create", "case", "get", expect(DECIDERS_A, other={"af_b"})),
    ("handover:transfer_sent", "transfer_sent", "get", expect(DECIDERS_A, other={"af_b"})),
    ("handover:transfer_receive", "transfer_received", "get", expect(DECIDERS_A, other={"af_b"})),
    # My tasks: every staff member of a school (the functional administrator and policy officers have none).
    ("tasks:mine", None, "get", expect(STAFF_A | {"af_b"})),
    # Who viewed a dossier: its AF and school leader, and its case lead (here the AF; see test_access_log).
    ("audit:case_access_log", "case", "get", expect({"af", "leader"}, other={"af_b"})),
    ("disclosure:prepare", "pupil", "get", expect({"af", "leader"}, other={"af_b"})),
    ("disclosure:export", "disclosure", "get", expect({"af", "leader"}, other={"af_b"})),
    # Account security: every signed-in person, for their own account only. Set-up pages answer a
    # redirect once a device exists (the cast's IB, AF, leader and admins have one), the QR code
    # only exists during set-up (404), and roles that need two factors cannot turn it off.
    ("sign_out_everywhere", None, "post", dict.fromkeys(ACTORS, 302)),
    ("two_factor:setup", None, "get", {a: 200 if a in NO_DEVICE else 302 for a in ACTORS}),
    ("two_factor:qr", None, "get", {a: 302 if a == "anonymous" else 404 for a in ACTORS}),
    ("two_factor:setup_complete", None, "get", {a: 302 if a in NO_DEVICE | {"anonymous"} else 200 for a in ACTORS}),
    ("two_factor:backup_tokens", None, "get", {a: 302 if a in NO_DEVICE | {"anonymous"} else 200 for a in ACTORS}),
    ("two_factor:profile", None, "get", {a: 302 if a == "anonymous" else 200 for a in ACTORS}),
    ("two_factor:disable", None, "get", dict.fromkeys(ACTORS, 302)),
    ("home", None, "get", {**expect(STAFF_A | {"admin", "af_b"}), **dict.fromkeys(ANALYSTS, 302)}),
    ("insights:overview", None, "get", expect(INSIGHTS)),
    ("insights:export", "insights_table", "get", expect(INSIGHTS)),
    ("insights:report", None, "get", expect(INSIGHTS)),
    ("insights:public_figures", None, "get", expect({"municipality", "region"})),
    ("insights:refresh", None, "post", expect({"af", "leader", "af_b"}, ok_code=302)),
    ("healthz", None, "get", dict.fromkeys(ACTORS, 200)),
    ("login", None, "get", {a: 200 if a == "anonymous" else 302 for a in ACTORS}),
    ("logout", None, "post", dict.fromkeys(ACTORS, 302)),
    ("set_language", None, "post", dict.fromkeys(ACTORS, 302)),
    ("meldcode:signal_list", None, "get", expect(STAFF_A | {"af_b"})),
    ("meldcode:signal_create", None, "get", expect(STAFF_A | {"af_b"})),
    ("meldcode:signal_detail", "signal", "get", CASE_VIEW),
    ("meldcode:signal_amend", "signal", "get", CASE_VIEW),
    (
        "meldcode:signal_request_look_along",
        "new_signal",
        "post",
        expect({"teacher", "ib", "af", "leader"}, ok_code=302, hidden={"teacher2", "assistant"}, other={"af_b"}),
    ),
    ("meldcode:signal_open_case", "new_signal", "post", expect(WIDE_A, ok_code=302, other={"af_b"})),
    ("meldcode:signal_attach", "new_signal", "post", expect(WIDE_A, ok_code=302, other={"af_b"})),
    ("meldcode:signal_note", "new_signal", "post", expect(WIDE_A, ok_code=302, other={"af_b"})),
    ("meldcode:look_along_pick_up", "look_along", "post", expect(WIDE_A, ok_code=302, other={"af_b"})),
    ("meldcode:inbox", None, "get", expect(WIDE_A | {"af_b"})),
    ("meldcode:case_list", None, "get", expect(STAFF_A | {"af_b"})),
    ("meldcode:case_detail", "case", "get", CASE_VIEW),
    ("meldcode:case_add_signal", "case", "get", {**CASE_VIEW, **dict.fromkeys(("teacher", "ib", "af", "leader"), 302)}),
    ("meldcode:consultation_create", "case", "get", CASE_VIEW),
    ("meldcode:conversation_create", "case", "get", CASE_VIEW),
    ("meldcode:conversation_skip", "case", "get", CASE_VIEW),
    ("meldcode:weighing_create", "case", "get", CASE_WIDE),
    ("meldcode:acute", "case", "get", CASE_DECIDE),
    ("meldcode:decision_create", "case", "get", CASE_DECIDE),
    ("meldcode:decision_advice", "case", "get", CASE_DECIDE),
    ("meldcode:report_edit", "reported_case", "get", CASE_DECIDE),
    ("meldcode:report_made", "reported_case", "post", expect(DECIDERS_A, ok_code=302, other={"af_b"})),
    ("meldcode:report_print", "reported_case", "get", CASE_DECIDE),
    ("meldcode:case_close", "case", "get", CASE_WIDE),
    ("meldcode:case_reopen", "closed_case", "post", expect(WIDE_A, ok_code=302, other={"af_b"})),
    ("meldcode:case_members", "case", "post", expect(WIDE_A, ok_code=302, other={"af_b"})),
    ("organisations:pupil_list", None, "get", expect({"admin"})),
    ("organisations:pupil_create", None, "get", expect({"admin"})),
    ("organisations:pupil_edit", "pupil", "get", expect({"admin"})),
    ("organisations:household_add", "pupil", "post", expect({"admin"})),
    ("organisations:household_remove", "household_member", "post", expect({"admin"}, ok_code=302)),
    ("organisations:group_list", None, "get", expect({"admin"})),
    ("organisations:group_create", None, "get", expect({"admin"})),
    ("organisations:group_edit", "group", "get", expect({"admin"})),
    ("organisations:staff_list", None, "get", expect({"admin"})),
    ("organisations:staff_create", None, "get", expect({"admin"})),
    ("organisations:staff_edit", "staff", "get", expect({"admin"})),
    ("organisations:staff_send_link", "staff", "post", expect({"admin"}, ok_code=302)),
    # Setting one's own password with a one-time link: anonymous on purpose (PUBLIC), and what a
    # signed-in person gets is the same. Without a valid link in the session the page is a 404;
    # the link itself only moves its token into the session.
    ("accounts:password_forgotten", None, "get", dict.fromkeys(ACTORS, 200)),
    ("accounts:password_set", None, "get", dict.fromkeys(ACTORS, 404)),
    ("accounts:password_link", "link_token", "get", dict.fromkeys(ACTORS, 302)),
    # Sign-in with the school's account (OpenID Connect): public; the start sends everyone to the provider,
    # the provider's answer without a sign-in of this browser is refused, the second step needs a pending one.
    ("sso:start", "sso_provider", "get", dict.fromkeys(ACTORS, 302)),
    ("sso:callback", None, "get", dict.fromkeys(ACTORS, 400)),
    ("sso:code", None, "get", dict.fromkeys(ACTORS, 302)),
    ("sso:signed_out", None, "get", dict.fromkeys(ACTORS, 302)),
    # Four eyes on roles that read dossiers: the AF and the school leader of the school decide.
    ("accounts:role_requests", None, "get", expect({"af", "leader", "af_b"})),
    ("accounts:role_request_decide", "role_request", "post", expect({"af", "leader"}, ok_code=302, other={"af_b"})),
    ("organisations:protocol", None, "get", expect({"admin", "leader"})),
    # Sign-in locks: the functional administrator and the AF, for their own school's accounts only.
    ("lockouts:list", None, "get", expect({"admin", "af", "af_b"})),
    ("lockouts:lift", "staff", "post", expect({"admin", "af"}, ok_code=302, other={"af_b"})),
    # Handle with Care notices sent through the API that wait to be matched by hand: the AF and the IB.
    ("external_signals:intake_list", None, "get", expect({"ib", "af", "af_b"})),
    ("external_signals:intake_match", "intake", "get", expect({"ib", "af"}, other={"af_b"})),
    ("external_signals:intake_dismiss", "intake", "post", expect({"ib", "af"}, ok_code=302, other={"af_b"})),
    # API keys of one's own organisation (here a key of the region), and the API's documentation:
    # the school's functional administrator and the policy officers.
    ("api_keys:list", None, "get", expect({"admin"} | ANALYSTS)),
    ("api_keys:revoke", "api_key", "post", expect({"region"}, ok_code=302, other={"admin", "board", "municipality"})),
    ("api:schema", None, "get", expect({"admin"} | ANALYSTS)),
    ("api:docs", None, "get", expect({"admin"} | ANALYSTS)),
    # The API itself answers only a key, never a session: 401 for everyone (see the API section of
    # tests/integration/test_authorization.py).
    ("api:police_notices", None, "post", dict.fromkeys(ACTORS, 401)),
    ("api:aggregates", None, "get", dict.fromkeys(ACTORS, 401)),
    ("api:pupil_sync", None, "post", dict.fromkeys(ACTORS, 401)),
]


def _names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}", pattern


def objects(cast: "Cast") -> dict[str, Any]:
    """The objects the object URLs are asked about, made through the services."""
    af = cast.actor("af")
    case = cast.case(author="teacher")
    new_signal = cast.signal("teacher", pupil=cast.sibling)
    look_along = services.request_look_along(cast.actor("teacher"), new_signal)
    # A second pupil with a dossier that has a decision to report and a saved report.
    other_pupil = PupilFactory(school=cast.school_a)
    reported = cast.case(author="teacher", pupil=other_pupil)
    services.decide(
        af,
        reported,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="Structurele onveiligheid.",
        decided_by=cast.af,
    )
    services.save_report(
        af,
        reported,
        relation_to_family="School",
        direct_cause="Blauwe plekken",
        facts="Feiten",
        household="Moeder, vader",
        expectations="Onderzoek",
        parents_informed=True,
        parents_informed_how="Gesprek",
    )
    closed_pupil = PupilFactory(school=cast.school_a)
    closed = cast.case(author="teacher", pupil=closed_pupil)
    services.close_case(af, closed, reason="too_vague", explanation="Te vaag voor nu.")
    conversation = services.record_conversation(
        af,
        case,
        held_on=timezone.localdate(),
        participants=["mother"],
        shared="Zorgen.",
        reaction="Begrip.",
        acknowledgement="agreed",
    )
    # A new school year: the pupil of the closed dossier moves to a group of teacher2, who gets a notice.
    new_group = GroupFactory(school=cast.school_a, school_year="2027-2028")
    new_group.teachers.add(cast.teacher2)
    place(closed_pupil, new_group)
    package = handover_services.make_package(
        af,
        case,
        parts=["signals"],
        receiving_school_brin="34CD",
        parents_informed=True,
        parents_informed_how="Gesprek.",
    )
    # A package from school B, held at school A: school A has a pupil of the same name and date of birth.
    case_b = services.open_case(cast.actor("af_b"), cast.signal("af_b", pupil=cast.pupil_b), lead=cast.af_b)
    package_b = handover_services.make_package(
        cast.actor("af_b"),
        case_b,
        parts=["signals"],
        receiving_school_brin=cast.school_a.brin_code,
        parents_informed=True,
        parents_informed_how="Gesprek.",
    )
    namesake = cast.pupil_b
    PupilFactory(
        school=cast.school_a,
        first_name=namesake.first_name,
        last_name=namesake.last_name,
        date_of_birth=namesake.date_of_birth,
    )
    content = json.dumps(handover_services.package_data(package_b)).encode()
    pending_import = handover_services.receive_package(af, content)
    transfer_sent = handover_services.send_transfer(
        af,
        case,
        receiving_school=cast.school_b,
        parts=["signals"],
        parents_informed=True,
        parents_informed_how="Gesprek.",
    )
    transfer_received = handover_services.send_transfer(
        cast.actor("af_b"),
        case_b,
        receiving_school=cast.school_a,
        parts=["signals"],
        parents_informed=True,
        parents_informed_how="Gesprek.",
    )
    member = pupil_services.add_household_member(
        cast.actor("admin"), cast.pupil, name="Els de Vries", relation="mother", lives_with_pupil=True
    )
    disclosure = record_disclosure(
        af, cast.pupil, state=build_record(cast.pupil).state, withheld={}, reporter_identity_withheld=False
    )
    police_notice = external_services.record_police_notice(af, pupil=cast.pupil, notice_date=timezone.localdate())
    planned = services.plan_conversation(
        af, case, planned_at=timezone.now() + timedelta(days=2), participants=["mother"], location="Kamer van de IB"
    )
    # A new account for which the administrator asked the role IB: its request, and a link (asked for on
    # the sign-in page: the invitation itself only comes with the approval).
    newcomer = account_services.create_staff_account(
        cast.actor("admin"),
        username="nieuw",
        first_name="Nina",
        last_name="Nieuw",
        email="nina@example.org",
        role="care_coordinator",
    )
    link_token = invitations.issue_link(newcomer, "invitation")
    role_request = RoleRequest.objects.get(user=newcomer)
    pupil_upload = pupil_import.upload(
        cast.actor("admin"), cast.school_a, pupil_samples.edexml(3, brin=cast.school_a.brin_code), "school.xml"
    )
    # A third school of the board and the municipality, so that their monitoring shows figures.
    SchoolFactory(
        name="IKC De Esch", brin_code="56EF", board=cast.school_a.board, municipality=cast.school_a.municipality
    )
    api_key = api_services.create_key(cast.actor("region"), name="Politie", scopes=["intake"]).key
    intake = external_services.receive_police_notice(
        sender="region:0",
        sender_notice_id="N-1",
        school=cast.school_a,
        first_name="Onbekend",
        last_name="Kind",
        date_of_birth=cast.pupil.date_of_birth,
        notice_date=timezone.localdate(),
        author=api_key.account,
        via={"api_key": api_key.pk},
    ).intake
    return {
        "api_key": api_key,
        "intake": intake,
        "insights_table": {"table": "trend", "fmt": "csv"},
        **followup_objects(cast),
        "support_task": police_notice.support_tasks[0],
        "planned_conversation": planned,
        "conversation": conversation,
        "notice": HandoverNotice.objects.get(teacher=cast.teacher2),
        "package": package,
        "pending_import": pending_import,
        "pupil_upload": pupil_upload,
        "transfer_sent": transfer_sent,
        "transfer_received": transfer_received,
        "disclosure": disclosure,
        "case": case,
        "signal": case.signals.get(),
        "new_signal": new_signal,
        "look_along": look_along,
        "reported_case": reported,
        "closed_case": closed,
        "pupil": cast.pupil,
        "household_member": member,
        "group": cast.pupil.groups.get(),
        "staff": cast.teacher,
        "role_request": role_request,
        "link_token": link_token,
        "sso_provider": school_account_provider(cast.school_a),
    }


def _url(name: str, obj: str | None, objects: dict[str, Any]) -> str:
    if obj is None:
        return reverse(name)
    target = objects[obj]
    if obj == "link_token":
        return reverse(name, args=[target])
    if obj == "sso_provider":
        return reverse(name, args=[target.slug])
    if obj == "insights_table":
        return reverse(name, kwargs=target)
    if obj == "household_member":
        return reverse(name, args=[target.pupil_id, target.pk])
    return reverse(name, args=[target.pk])
