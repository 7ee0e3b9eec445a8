"""This app's task providers (registered in `FollowupConfig.ready`): feedback from Veilig Thuis that is
due or overdue, and evaluation moments of help plans that are due or missed.

Both read through the policy-scoped queries of `haven.followup.queries` (built on
`haven.meldcode.queries.visible_cases`), one query each however many tasks they return, and only
the columns a task needs (every query of "My tasks" also runs on the home page).
"""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.followup import queries, rules
from haven.infrastructure.prepared import ActorQuery
from haven.tasks.registry import Task

# Prepared (haven/infrastructure/prepared.py): these run on every home page and tasks page.
_reports_awaiting_feedback = ActorQuery(
    lambda actor, made_until, agreed_until: queries.reports_awaiting_feedback_by(actor, made_until, agreed_until).only(
        "made_on", "case", "case__pupil__first_name", "case__pupil__last_name", "follow_up__feedback_agreed_on"
    ),
    date,
    date,
)
_evaluations_due = ActorQuery(
    lambda actor, due_until: queries.evaluations_due_by(actor, due_until).only(
        "due_on", "answered_on", "plan", "plan__case", "plan__case__pupil__first_name", "plan__case__pupil__last_name"
    ),
    date,
)


def feedback_tasks(actor: Actor, today: date) -> list[Task]:
    """Reports made whose feedback is overdue, or due within a week: in dossiers I lead (AF, school leader: all)."""
    tasks = []
    reports = _reports_awaiting_feedback(actor, *queries.feedback_window(today))
    for report in reports:
        follow_up = queries.follow_up_of(report)
        agreed_on = follow_up.feedback_agreed_on if follow_up else None
        state = rules.feedback_state(report.made_on, agreed_on, None, today)
        if state not in (rules.FeedbackState.OVERDUE, rules.FeedbackState.DUE_SOON):
            continue
        overdue = state == rules.FeedbackState.OVERDUE
        assert report.made_on is not None  # only a made report has feedback due
        name = {"name": report.case.pupil.full_name}
        tasks.append(
            Task(
                key=f"feedback:{report.pk}",
                kind="feedback_overdue" if overdue else "feedback_due",
                title=(
                    _("Feedback from Veilig Thuis overdue: %(name)s")
                    if overdue
                    else _("Feedback from Veilig Thuis expected: %(name)s")
                )
                % name,
                url=reverse("meldcode:case_detail", args=[report.case_id]) + "#followup",
                due=rules.feedback_deadline(report.made_on, agreed_on),
                overdue=overdue,
            )
        )
    return tasks


def evaluation_tasks(actor: Actor, today: date) -> list[Task]:
    """Evaluation moments (question 5) due within a week or missed, of the current help plan of dossiers I lead."""
    tasks = []
    moments = _evaluations_due(actor, today + rules.DUE_SOON)
    for moment in moments:
        overdue = rules.evaluation_overdue(moment.due_on, moment.answered_on, today)
        name = {"name": moment.plan.case.pupil.full_name}
        tasks.append(
            Task(
                key=f"evaluation:{moment.pk}",
                kind="evaluation_overdue" if overdue else "evaluation_due",
                title=(_("Evaluation of the help overdue: %(name)s") if overdue else _("Evaluate the help: %(name)s"))
                % name,
                url=reverse("meldcode:case_detail", args=[moment.plan.case_id]) + "#followup",
                due=moment.due_on,
                overdue=overdue,
            )
        )
    return tasks
