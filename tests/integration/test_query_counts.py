"""The pages people open every day make a fixed number of queries, however much data there is.

Reads as the specification. Each page is measured twice, for a small and a large amount of data,
after a warm-up request, and the large one may not make more queries than the small one. A page
that makes one query per row (an N+1) fails here before it slows a school down.

Measured (SQLite, Django 5.2), small -> large:
- dossier page (AF):        21 -> 21  (1 signal -> 20 signals, 8 amendments, 5 consultations, 5 conversations,
- dossier page (teacher):   19 -> 19   weighing, decision, report draft, look-along requests, 5 members)
- case list (AF):           7 -> 7    (2 -> 20 dossiers; open and ?status=all alike)
- case list (teacher):      7 -> 7
- inbox (AF):               5 -> 5    (4 -> 60 new signals, with requests to look along)
- my signals (teacher):     5 -> 5    (2 -> 30 own signals)
- home page (AF):           14 -> 14  (2 -> 20 dossiers and 4 -> 60 signals)
- home page (teacher):      9 -> 9
"""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.meldcode import services
from haven.meldcode.models import Signal
from tests.factories import HouseholdMemberFactory, PupilFactory

ANSWERS = {"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None}


def count_queries(client, url):
    """Queries of one GET of `url`, after a warm-up GET (sessions, caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _signal(cast, author, pupil, n, **extra):
    return services.log_signal(
        cast.actor(author),
        pupil=pupil,
        observed_at=timezone.now() - timedelta(hours=n + 1),
        source=Signal.Source.OWN_OBSERVATION,
        categories=[Signal.Category.PHYSICAL_NEGLECT, Signal.Category.GUT_FEELING],
        facts=f"Feit nummer {n}.",
        interpretation=f"Duiding {n}.",
        **extra,
    )


def _full_route(cast, case, *, signals, consultations, conversations, amendments):
    """Fill a dossier through the services: every kind of record the dossier page shows."""
    af, teacher = cast.actor("af"), cast.actor("teacher")
    authors = ["teacher", "teacher2", "assistant", "ib"]
    for n in range(signals - case.signals.count()):
        signal = _signal(cast, authors[n % len(authors)], case.pupil, n, case=case)
        if n < amendments:
            services.amend_signal(
                cast.actor(authors[n % len(authors)]), signal, reason=f"Correctie {n}", facts=f"Feit {n}, verbeterd."
            )
        if n % 5 == 0:
            services.request_look_along(cast.actor(authors[n % len(authors)]), signal)
    for n in range(consultations):
        services.record_consultation(
            af if n % 2 else teacher,
            case,
            held_on=timezone.localdate(),
            consulted="veilig_thuis" if n % 2 else "care_coordinator",
            consulted_name=f"Collega {n}",
            anonymous=bool(n % 2),
            question=f"Vraag {n}",
            advice=f"Advies {n}",
        )
    for n in range(conversations):
        services.record_conversation(
            teacher if n % 2 else af,
            case,
            held_on=timezone.localdate(),
            participants=["mother", "pupil"],
            shared=f"Gedeeld {n}",
            reaction=f"Reactie {n}",
            acknowledgement="seen",
        )
    services.record_weighing(
        cast.actor("ib"),
        case,
        suspicion=True,
        suspicion_explanation="Ja",
        unsafety=True,
        risk_factors="R",
        protective_factors="B",
        safety_score_parents=5,
        safety_score_pupil=3,
    )
    services.decide(af, case, answers=ANSWERS, outcome="report", rationale="Onveilig.", decided_by=cast.leader)
    services.save_report(
        af,
        case,
        relation_to_family="School",
        direct_cause="Oorzaak",
        facts="Feiten",
        household="Gezin",
        expectations="Onderzoek",
        parents_informed=True,
        parents_informed_how="Gesprek",
    )
    for name in ("teacher2", "assistant"):
        if not case.members.filter(pk=cast.users[name].pk).exists():
            services.add_case_member(af, case, cast.users[name])


def _dossiers(cast):
    """A small dossier (1 signal) and a large one (20 signals, 5 consultations, 5 conversations, amendments)."""
    small_pupil = PupilFactory(school=cast.school_a, first_name="Klein", last_name="Dossier")
    small = services.open_case(cast.actor("af"), _signal(cast, "teacher", small_pupil, 0), lead=cast.af)
    large = services.open_case(cast.actor("af"), _signal(cast, "teacher", cast.pupil, 0), lead=cast.ib)
    for pupil in (small_pupil, cast.pupil):
        HouseholdMemberFactory(pupil=pupil)
    _full_route(cast, large, signals=20, consultations=5, conversations=5, amendments=8)
    assert large.signals.count() == 20
    assert large.consultations.count() == 5 and large.conversations.count() == 5
    return small, large


def test_the_dossier_page_query_count_does_not_grow_with_the_dossier(cast):
    small, large = _dossiers(cast)
    for name in ("af", "teacher"):
        client = cast.client(name)
        n_small = count_queries(client, reverse("meldcode:case_detail", args=[small.pk]))
        n_large = count_queries(client, reverse("meldcode:case_detail", args=[large.pk]))
        assert n_large <= n_small, (name, n_small, n_large)


def _cases(cast, total):
    """Open dossiers until there are `total`, each with the records the case list counts."""
    af = cast.actor("af")
    while Signal.objects.filter(case__isnull=False).values("case").distinct().count() < total:
        pupil = PupilFactory(school=cast.school_a)
        case = services.open_case(af, _signal(cast, "teacher", pupil, 0), lead=cast.af)
        n = case.pk
        _signal(cast, "teacher2", pupil, 1, case=case)
        services.record_consultation(
            af, case, held_on=timezone.localdate(), consulted="colleague", question="V", advice="A"
        )
        if n % 2:
            services.skip_conversation(af, case, reason="child_safety", explanation="Gevaar.")
        if n % 3 == 0:
            services.record_weighing(af, case, suspicion=True, suspicion_explanation="Ja", unsafety=True)
            services.decide(af, case, answers=ANSWERS, outcome="report", rationale="R", decided_by=cast.af)
        if n % 4 == 0:
            services.close_case(af, case, reason="too_vague", explanation="Vaag.")


def test_the_case_list_query_count_does_not_grow_with_the_number_of_cases(cast):
    clients = {name: cast.client(name) for name in ("af", "teacher")}
    urls = [reverse("meldcode:case_list"), reverse("meldcode:case_list") + "?status=all"]
    _cases(cast, 2)
    small = {(name, url): count_queries(client, url) for name, client in clients.items() for url in urls}
    _cases(cast, 20)
    large = {(name, url): count_queries(client, url) for name, client in clients.items() for url in urls}
    assert len(clients["af"].get(urls[1]).context["rows"]) == 20
    for key, n_small in small.items():
        assert large[key] <= n_small, (key, n_small, large[key])


def _new_signals(cast, total):
    """New signals (some with a request to look along, some picked up) until the teacher has `total`."""
    pupils = [cast.pupil, cast.sibling]
    while (n := Signal.objects.filter(author=cast.teacher).count()) < total:
        signal = _signal(cast, "teacher", pupils[n % 2], n, other_pupils=[pupils[(n + 1) % 2]])
        _signal(cast, "teacher2", pupils[n % 2], n)
        if n % 3 == 0:
            request = services.request_look_along(cast.actor("teacher"), signal)
            if n % 2:
                services.pick_up_look_along(cast.actor(["af", "ib", "leader"][n % 3]), request)


def test_the_inbox_query_count_does_not_grow_with_the_number_of_signals(cast):
    client = cast.client("af")
    url = reverse("meldcode:inbox")
    _new_signals(cast, 2)
    n_small = count_queries(client, url)
    _new_signals(cast, 30)
    n_large = count_queries(client, url)
    response = client.get(url)
    assert len(response.context["signals"]) == 60
    assert len(response.context["look_along_requests"]) > 1
    assert n_large <= n_small


def test_my_signals_query_count_does_not_grow_with_the_number_of_signals(cast):
    client = cast.client("teacher")
    url = reverse("meldcode:signal_list")
    _new_signals(cast, 2)
    n_small = count_queries(client, url)
    _new_signals(cast, 30)
    # Some of them in a dossier, so the teacher's visibility goes through the membership too.
    services.open_case(cast.actor("af"), Signal.objects.filter(author=cast.teacher).first(), lead=cast.af)
    n_large = count_queries(client, url)
    assert len(client.get(url).context["signals"]) == 30
    assert n_large <= n_small


def test_the_home_page_query_count_does_not_grow_with_the_data(cast):
    clients = {name: cast.client(name) for name in ("af", "teacher")}
    url = reverse("home")
    _cases(cast, 2)
    _new_signals(cast, 2)
    small = {name: count_queries(client, url) for name, client in clients.items()}
    _cases(cast, 20)
    _new_signals(cast, 30)
    large = {name: count_queries(client, url) for name, client in clients.items()}
    for name, n_small in small.items():
        assert large[name] <= n_small, (name, n_small, large[name])
