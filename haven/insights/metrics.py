"""The figures the monitoring counts: one code per figure, as stored in `RollupCount.metric`.

Every figure is counted per school and per month of the moment it happened (the signal observed,
the advice held, the report made), never the moment it was typed in. `dimension` breaks a figure
down; where it is empty the figure has no breakdown. Durations are stored as a histogram: the
dimension is the whole number of days (or hours), the count how often it took that long.
"""

from django.utils.translation import gettext_lazy as _

# Signals (observed_at).
SIGNALS = "signals"
SIGNALS_GUT_FEELING = "signals_gut_feeling"  # only "niet-pluis", no other category; police notices apart
SIGNALS_BY_SOURCE = "signals_by_source"  # dimension: Signal.Source (police_notice: Handle with Care)
SIGNALS_BY_CATEGORY = "signals_by_category"  # dimension: Signal.Category; a signal counts in each of its
# Look-along requests (requested_at), and the hours until picked up (dimension: whole hours).
LOOK_ALONG_REQUESTS = "look_along_requests"
LOOK_ALONG_HOURS = "look_along_hours"
# The route (each dossier once per figure, at the moment it got there).
CASES_OPENED = "cases_opened"  # Case.opened_at
ROUTES_STARTED = "routes_started"  # the dossier's first consultation (step 2 taken up), held_on
ROUTES_DECIDED = "routes_decided"  # the dossier's first decision (step 5), decided_at
DECISIONS_BY_OUTCOME = "decisions_by_outcome"  # the dossier's latest decision, dimension: its outcome
DECISIONS_FOLLOWING_ADVICE = "decisions_following_advice"  # latest decision, dimension: "yes" / "no"
# Veilig Thuis. Advice requests: dimension "<where>:<how>", where = "dossier" (a consultation) or
# "loose" (an AdviceRequest without a dossier), how = "anonymous" or "named".
ADVICE_REQUESTS = "advice_requests"
REPORTS = "reports"  # Report.made_on
REPEAT_REPORTS = "repeat_reports"  # reports made while the pupil's care counted as repeated
# The verwijsindex: signals placed, dimension "dossier" or "loose".
REFERRAL_INDEX_PLACED = "referral_index_placed"
# Closed routes (the closure's moment): dimension "<step>:<reason>", reason "not_recorded" when
# nobody recorded why.
CLOSURES = "closures"
# Time from the dossier's first signal (observed_at) to its first consultation, conversation,
# decision and report: dimension whole days, month of the later event.
DAYS_TO_CONSULTATION = "days_to_consultation"
DAYS_TO_CONVERSATION = "days_to_conversation"
DAYS_TO_DECISION = "days_to_decision"
DAYS_TO_REPORT = "days_to_report"
# After a report: feedback from Veilig Thuis (month of its deadline: the agreed date, at most ten
# weeks after the report, as haven.followup.rules), dimension "received", "overdue" (deadline
# passed, nothing received) or "pending".
FEEDBACK = "feedback"
# Help plans: evaluation moments (month due), dimension "on_time", "late" (answered after the due
# date), "overdue" (due date passed, not answered) or "pending".
EVALUATIONS = "evaluations"
# Pupils of the school on 1 October (the month of that day): the base of the prevalence bound.
PUPILS = "pupils"

DURATIONS = (DAYS_TO_CONSULTATION, DAYS_TO_CONVERSATION, DAYS_TO_DECISION, DAYS_TO_REPORT)
HISTOGRAMS = (*DURATIONS, LOOK_ALONG_HOURS)

LABELS = {
    SIGNALS: _("Signals logged"),
    SIGNALS_GUT_FEELING: _("of which only a gut feeling (niet-pluis)"),
    SIGNALS_BY_SOURCE: _("Signals by source"),
    SIGNALS_BY_CATEGORY: _("Signals by kind of violence"),
    LOOK_ALONG_REQUESTS: _("Requests to look along"),
    LOOK_ALONG_HOURS: _("Hours until a request to look along was picked up"),
    CASES_OPENED: _("Dossiers opened"),
    ROUTES_STARTED: _("Routes started (step 2 taken up)"),
    ROUTES_DECIDED: _("Routes that reached a decision (step 5)"),
    DECISIONS_BY_OUTCOME: _("Decisions by outcome"),
    DECISIONS_FOLLOWING_ADVICE: _("Decisions that followed the decision framework's advice"),
    ADVICE_REQUESTS: _("Advice requests to Veilig Thuis"),
    REPORTS: _("Reports to Veilig Thuis"),
    REPEAT_REPORTS: _("of which repeat reports"),
    REFERRAL_INDEX_PLACED: _("Signals placed in the verwijsindex"),
    CLOSURES: _("Routes closed"),
    DAYS_TO_CONSULTATION: _("Days from the first signal to the first consultation"),
    DAYS_TO_CONVERSATION: _("Days from the first signal to the conversation"),
    DAYS_TO_DECISION: _("Days from the first signal to the decision"),
    DAYS_TO_REPORT: _("Days from the first signal to the report"),
    FEEDBACK: _("Feedback from Veilig Thuis after a report"),
    EVALUATIONS: _("Evaluations of help plans"),
    PUPILS: _("Pupils"),
}
