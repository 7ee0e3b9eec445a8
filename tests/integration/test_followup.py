"""Follow-up of a report to Veilig Thuis: feedback agreed and received, the external lead, new signals.

Reads as the specification. Once a report is made, the school records what it agreed with Veilig
Thuis about feedback (a date, and how), who leads the follow-up outside the school with a contact
person, and the outcome Veilig Thuis reports. Feedback that does not come in time shows as overdue
on the dossier page and in the tasks of the case lead (the AF and school leader: the whole school).
Signals observed after the report are flagged, and "report again" is one click away. Bad input
gets a Dutch message and changes nothing.
"""

from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.followup import providers
from haven.followup import services as followup_services
from haven.followup.models import EvaluationMoment, HelpPlan, ReportFollowUp
from haven.meldcode import services
from haven.tasks.registry import tasks_for
from tests.builders import REPORT, REPORT_FIELDS, days, make_plan, make_report, new_case, t, today

# ------------------------------------------------------------------------------------------------


def _url(name, obj):
    return reverse(f"followup:{name}", args=[obj.pk])


def _dossier(cast, case, who="af"):
    response = cast.client(who).get(reverse("meldcode:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


# --- Recording the follow-up --------------------------------------------------------------------


def test_recording_what_was_agreed_about_feedback(cast):
    report = make_report(cast, made_on=today() - days(2))
    agreed_on = today() + days(30)
    response = cast.client("af").post(
        _url("feedback_agreement", report),
        {"feedback_agreed_on": agreed_on.isoformat(), "feedback_agreed_how": "Telefonisch aan de AF."},
    )
    assert response.status_code == 302
    assert response.url == reverse("meldcode:case_detail", args=[report.case_id]) + "#followup"
    follow_up = ReportFollowUp.objects.get(report=report)
    assert follow_up.feedback_agreed_on == agreed_on
    assert follow_up.feedback_agreed_how == "Telefonisch aan de AF."
    assert follow_up.updated_by == cast.af
    [event] = _events("followup.feedback_agreed")
    assert event.case_id == report.case_id
    assert event.actor_id == cast.af.pk
    assert event.detail == {"report": report.pk, "agreed_on": agreed_on.isoformat()}
    # The timeline names it.
    page = _dossier(cast, report.case).content.decode()
    assert t("Agreement about feedback from Veilig Thuis recorded") in page
    assert "Telefonisch aan de AF." in page


def test_the_agreement_can_be_changed_and_each_change_is_audited(cast):
    report = make_report(cast)
    af = cast.actor("af")
    followup_services.record_feedback_agreement(
        af, report, feedback_agreed_on=today() + days(20), feedback_agreed_how="Per telefoon"
    )
    followup_services.record_feedback_agreement(
        af, report, feedback_agreed_on=today() + days(40), feedback_agreed_how="Per e-mail"
    )
    follow_up = ReportFollowUp.objects.get()
    assert (follow_up.feedback_agreed_on, follow_up.feedback_agreed_how) == (today() + days(40), "Per e-mail")
    assert len(_events("followup.feedback_agreed")) == 2


def test_the_form_starts_from_what_was_recorded(cast):
    report = make_report(cast)
    followup_services.record_feedback_agreement(
        cast.actor("af"), report, feedback_agreed_on=today() + days(20), feedback_agreed_how="Per telefoon"
    )
    form = cast.client("ib").get(_url("feedback_agreement", report)).context["form"]
    assert form["feedback_agreed_how"].value() == "Per telefoon"
    assert form["feedback_agreed_on"].value() == today() + days(20)


def test_an_agreed_date_before_the_report_is_refused_and_nothing_changes(cast):
    report = make_report(cast, made_on=today() - days(5))
    response = cast.client("af").post(
        _url("feedback_agreement", report),
        {"feedback_agreed_on": (today() - days(6)).isoformat(), "feedback_agreed_how": "Telefonisch"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["feedback_agreed_on"] == [
        t("The agreed date cannot be before the report was made.")
    ]
    assert not ReportFollowUp.objects.exists()
    assert not _events("followup.feedback_agreed")


def test_the_agreement_needs_a_date_and_how(cast):
    report = make_report(cast)
    response = cast.client("af").post(_url("feedback_agreement", report), {"feedback_agreed_how": "  "})
    errors = response.context["form"].errors
    assert set(errors) == {"feedback_agreed_on", "feedback_agreed_how"}
    with translation.override("nl"):
        assert errors["feedback_agreed_how"] == ["Dit veld is verplicht."]
    assert not ReportFollowUp.objects.exists()


def test_recording_who_leads_with_a_contact_person_encrypted_at_rest(cast):
    report = make_report(cast)
    response = cast.client("ib").post(
        _url("lead", report),
        {"lead": "local_team", "lead_contact_name": "Fatima el Amrani", "lead_contact_details": "06-12345678"},
    )
    assert response.status_code == 302
    follow_up = ReportFollowUp.objects.get(report=report)
    assert (follow_up.lead, follow_up.lead_contact_name, follow_up.lead_contact_details) == (
        "local_team",
        "Fatima el Amrani",
        "06-12345678",
    )
    assert _events("followup.lead")[0].detail == {"report": report.pk, "lead": "local_team"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT lead_contact_name, lead_contact_details FROM followup_reportfollowup")
        raw = cursor.fetchone()
    assert all(value.startswith("enc2:") and "Fatima" not in value for value in raw)
    page = _dossier(cast, report.case, "teacher").content.decode()  # a member sees it too
    assert "Fatima el Amrani" in page and "06-12345678" in page


def test_the_lead_must_be_one_of_the_choices(cast):
    report = make_report(cast)
    response = cast.client("af").post(_url("lead", report), {"lead": "police"})
    assert "lead" in response.context["form"].errors
    assert not ReportFollowUp.objects.exists()


def test_recording_the_feedback_from_veilig_thuis(cast):
    report = make_report(cast, made_on=today() - days(40))
    response = cast.client("leader").post(
        _url("feedback", report),
        {
            "outcome": "confirmed",
            "follow_up_started": "Het lokale team begeleidt het gezin.",
            "school_expectations": "Blijf signaleren en deel zorgen met het lokale team.",
            "feedback_received_on": (today() - days(1)).isoformat(),
        },
    )
    assert response.status_code == 302
    follow_up = ReportFollowUp.objects.get(report=report)
    assert follow_up.outcome == "confirmed"
    assert follow_up.feedback_received_on == today() - days(1)
    assert follow_up.school_expectations == "Blijf signaleren en deel zorgen met het lokale team."
    assert _events("followup.feedback")[0].detail == {
        "report": report.pk,
        "outcome": "confirmed",
        "received_on": (today() - days(1)).isoformat(),
    }
    response = _dossier(cast, report.case)
    [row] = response.context["s"].reports
    assert row.state == "received"
    page = response.content.decode()
    assert t("The suspicion is confirmed") in page
    assert "Het lokale team begeleidt het gezin." in page


def test_feedback_received_in_the_future_or_before_the_report_is_refused(cast):
    report = make_report(cast, made_on=today() - days(3))
    client = cast.client("af")
    for received_on, message in (
        (today() + days(1), "The date cannot be in the future."),
        (today() - days(4), "Feedback cannot have been received before the report was made."),
    ):
        response = client.post(
            _url("feedback", report), {"outcome": "refuted", "feedback_received_on": received_on.isoformat()}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["feedback_received_on"] == [t(message)]
    assert not ReportFollowUp.objects.exists()
    assert not _events("followup.feedback")


def test_a_report_not_yet_made_has_no_follow_up_page(cast):
    case = new_case(cast)
    services.decide(cast.actor("af"), case, answers=REPORT, outcome="report", rationale="R", decided_by=cast.af)
    draft = services.save_report(cast.actor("af"), case, **REPORT_FIELDS)
    assert cast.client("af").get(_url("feedback", draft)).status_code == 404


def test_another_schools_af_gets_404_and_the_attempt_is_audited(cast):
    report = make_report(cast)
    for name in ("feedback_agreement", "lead", "feedback"):
        assert cast.client("af_b").get(_url(name, report)).status_code == 404
    denied = AuditEvent.objects.filter(actor=cast.af_b, outcome=AuditEvent.Outcome.DENIED, case=report.case)
    assert denied.count() == 3


def test_a_teacher_may_not_record_follow_up(cast):
    report = make_report(cast)
    response = cast.client("teacher").post(_url("lead", report), {"lead": "local_team"})
    assert response.status_code == 403
    assert not ReportFollowUp.objects.exists()


def test_follow_up_can_be_recorded_after_the_dossier_was_closed(cast):
    """A school often closes once Veilig Thuis took over; the feedback is still tracked."""
    report = make_report(cast, made_on=today() - days(80), outcome="report")
    services.close_case(cast.actor("af"), report.case, reason="taken_over", explanation="VT heeft het over.")
    assert [task.key for task in providers.feedback_tasks(cast.actor("af"), today())] == [f"feedback:{report.pk}"]
    response = cast.client("af").post(
        _url("feedback", report), {"outcome": "not_confirmed", "feedback_received_on": today().isoformat()}
    )
    assert response.status_code == 302
    assert ReportFollowUp.objects.get().outcome == "not_confirmed"
    assert providers.feedback_tasks(cast.actor("af"), today()) == []


# --- Overdue feedback on the dossier page -------------------------------------------------------


def test_feedback_past_ten_weeks_shows_as_overdue(cast):
    report = make_report(cast, made_on=today() - days(71))
    response = _dossier(cast, report.case)
    [row] = response.context["s"].reports
    assert (row.state, row.deadline) == ("overdue", today() - days(1))
    page = response.content.decode()
    assert t("feedback overdue") in page
    assert 'class="haven-badge haven-badge--danger"' in page


def test_feedback_on_the_last_day_of_ten_weeks_is_not_yet_overdue(cast):
    report = make_report(cast, made_on=today() - days(70))
    [row] = _dossier(cast, report.case).context["s"].reports
    assert row.state == "due_soon"
    assert t("feedback overdue") not in _dossier(cast, report.case).content.decode()


def test_feedback_past_the_agreed_date_shows_as_overdue(cast):
    report = make_report(cast, made_on=today() - days(20))
    followup_services.record_feedback_agreement(
        cast.actor("af"), report, feedback_agreed_on=today() - days(1), feedback_agreed_how="Telefonisch"
    )
    [row] = _dossier(cast, report.case, "teacher").context["s"].reports
    assert row.state == "overdue"


def test_a_dossier_without_a_report_or_help_shows_no_follow_up(cast):
    case = new_case(cast)
    page = _dossier(cast, case).content.decode()
    assert 'id="followup"' not in page


# --- Signalling after the report, and reporting again ------------------------------------------


def test_signals_observed_after_the_report_are_flagged_and_report_again_leads_to_a_new_report(cast):
    report = make_report(cast, new_case(cast, observed_days_ago=10), made_on=today() - days(3))
    case = report.case
    same_day = cast.signal(
        "teacher", pupil=case.pupil, case=case, observed_at=timezone.now() - days(3) + timedelta(minutes=1)
    )
    later = cast.signal("teacher2", pupil=case.pupil, case=case, observed_at=timezone.now() - days(1))
    response = _dossier(cast, case)
    section = response.context["s"]
    assert [s.pk for s in section.new_signals] == [later.pk]
    assert same_day.pk not in [s.pk for s in section.new_signals]
    page = response.content.decode()
    assert 'id="new-since-report"' in page
    assert reverse("meldcode:signal_detail", args=[later.pk]) in page
    decision_url = reverse("meldcode:decision_create", args=[case.pk])
    assert f'href="{decision_url}">{t("Report again")}</a>' in page

    # One click away: the decision page; a new decision to report starts a new report.
    client = cast.client("af")
    assert client.get(decision_url).status_code == 200
    response = client.post(
        decision_url,
        {
            "suspicion": "yes",
            "unsafety": "yes",
            "outcome": "report",
            "rationale": "Nieuwe verwondingen na de melding.",
            "decided_by": cast.af.pk,
            "decided_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("meldcode:report_edit", args=[case.pk])).context["report"] is None
    # While that report is being prepared, "report again" is not offered.
    assert f'href="{decision_url}">{t("Report again")}</a>' not in _dossier(cast, case).content.decode()


def test_report_again_is_offered_only_to_those_who_decide(cast):
    report = make_report(cast, new_case(cast, observed_days_ago=10), made_on=today() - days(3))
    cast.signal("teacher", pupil=report.case.pupil, case=report.case, observed_at=timezone.now() - days(1))
    decision_url = reverse("meldcode:decision_create", args=[report.case_id])
    for name in ("ib", "teacher"):
        response = _dossier(cast, report.case, name)
        assert len(response.context["s"].new_signals) == 1  # everyone sees the flag
        assert decision_url not in response.content.decode().split('id="followup"')[1]
    teacher_page = _dossier(cast, report.case, "teacher").content.decode()
    assert _url("feedback", report) not in teacher_page  # and only the school-wide roles record


# --- Tasks ------------------------------------------------------------------------------------


def test_the_af_gets_overdue_and_approaching_feedback_of_the_whole_school(cast):
    overdue = make_report(cast, made_on=today() - days(71), by="af")
    approaching = make_report(cast, made_on=today() - days(10), by="leader")
    followup_services.record_feedback_agreement(
        cast.actor("af"), approaching, feedback_agreed_on=today() + days(5), feedback_agreed_how="Telefonisch"
    )
    received = make_report(cast, made_on=today() - days(90))
    followup_services.record_feedback(
        cast.actor("af"), received, outcome="refuted", feedback_received_on=today() - days(2)
    )
    make_report(cast, made_on=today() - days(10))  # nothing agreed: due in nine weeks, not a task yet

    tasks = providers.feedback_tasks(cast.actor("af"), today())
    assert [(task.key, task.kind, task.due, task.overdue) for task in tasks] == [
        (f"feedback:{overdue.pk}", "feedback_overdue", today() - days(1), True),
        (f"feedback:{approaching.pk}", "feedback_due", today() + days(5), False),
    ]
    with translation.override("nl"):
        tasks = providers.feedback_tasks(cast.actor("af"), today())
    name = overdue.case.pupil.full_name
    assert tasks[0].title == t("Feedback from Veilig Thuis overdue: %(name)s") % {"name": name}
    assert tasks[0].url == reverse("meldcode:case_detail", args=[overdue.case_id]) + "#followup"
    # The registry has the provider, and the leader (school-wide) gets the same.
    assert {f"feedback:{overdue.pk}", f"feedback:{approaching.pk}"} <= {
        task.key for task in tasks_for(cast.actor("af"), today())
    }
    assert len(providers.feedback_tasks(cast.actor("leader"), today())) == 2


def test_others_get_the_feedback_of_the_dossiers_they_lead(cast):
    led_by_ib = make_report(cast, new_case(cast, lead="ib"), made_on=today() - days(75))
    make_report(cast, made_on=today() - days(75))  # led by the AF
    assert [task.key for task in providers.feedback_tasks(cast.actor("ib"), today())] == [f"feedback:{led_by_ib.pk}"]
    for name in ("teacher", "assistant", "admin", "af_b"):
        assert providers.feedback_tasks(cast.actor(name), today()) == [], name


def test_retention_destroys_the_follow_up_with_the_dossier(cast):
    report = make_report(cast, made_on=today() - days(3))
    followup_services.record_feedback_agreement(
        cast.actor("af"), report, feedback_agreed_on=today() + days(20), feedback_agreed_how="Telefonisch"
    )
    make_plan(cast, report.case)
    services.close_case(cast.actor("af"), report.case, reason="taken_over", explanation="VT heeft het over.")
    services.destroy_case(report.case, reason="Bewaartermijn verstreken")
    assert not ReportFollowUp.objects.exists()
    assert not HelpPlan.objects.exists()
    assert not EvaluationMoment.objects.exists()
