"""What the follow-up of a report records (question 5 of the afwegingskader)."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class FollowupAction(AuditActions):
    FEEDBACK_AGREED = "followup.feedback_agreed", _("Agreement about feedback from Veilig Thuis recorded")
    LEAD = "followup.lead", _("Who leads the follow-up recorded")
    FEEDBACK = "followup.feedback", _("Feedback from Veilig Thuis recorded")
    PLAN = "followup.plan", _("Help plan recorded")
    EVALUATION = "followup.evaluation", _("Question 5 answered at an evaluation moment")
