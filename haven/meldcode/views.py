"""Views of the route: parse input, call one query or service, render. No rules here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from haven.access.decorators import PermissionedView, requires
from haven.access.http import ActorRequest
from haven.access.policy import can_amend_signal, has_permission
from haven.infrastructure import concurrency
from haven.infrastructure.forms import apply_errors
from haven.meldcode import advice, forms, queries, services
from haven.meldcode.decision_framework import evaluate
from haven.meldcode.models import Case, Signal
from haven.meldcode.sections import load_sections
from haven.meldcode.workflow import NextAction, Step, StepStatus

# The next action of the route (haven/meldcode/workflow.py) -> what to do and the page that does it:
# the one mapping behind the dossier page's "Go" (tests/integration/test_next_step.py covers every
# action). Each page takes the dossier's id, except where `next_step` says otherwise.
NEXT_ACTIONS: dict[NextAction, tuple[Any, str | None]] = {
    NextAction.ADD_SIGNAL: (gettext_lazy("Log the signals you have seen (step 1)."), "meldcode:case_add_signal"),
    NextAction.RECORD_CONSULTATION: (
        gettext_lazy("Consult a colleague with expertise: the IB, the AF or Veilig Thuis (step 2)."),
        "meldcode:consultation_create",
    ),
    NextAction.RECORD_CONVERSATION: (
        gettext_lazy("Prepare and hold the conversation with the parents and the pupil (step 3)."),
        "meldcode:conversation_create",
    ),
    NextAction.RECORD_WEIGHING: (
        gettext_lazy("Weigh the risk, nature and severity: framework questions 1 and 2 (step 4)."),
        "meldcode:weighing_create",
    ),
    NextAction.RECORD_DECISION: (
        gettext_lazy("Decide: report to Veilig Thuis and/or organise help, framework questions 3 to 5 (step 5)."),
        "meldcode:decision_create",
    ),
    NextAction.PHONE_AND_REPORT: (
        gettext_lazy("Acute: phone Veilig Thuis now (0800-2000), then record the report."),
        "meldcode:report_edit",
    ),
    NextAction.MAKE_REPORT: (
        gettext_lazy("Prepare the report to Veilig Thuis and record it as made."),
        "meldcode:report_edit",
    ),
    # Before the help plan is recorded; `next_step` sends to its evaluation moments once it is.
    NextAction.FOLLOW_HELP: (
        gettext_lazy("Record the help plan: what help, by whom, the term and the evaluation moments."),
        "followup:plan_create",
    ),
    NextAction.CLOSE_CASE: (gettext_lazy("Close the dossier with a reason, and keep watching."), "meldcode:case_close"),
    NextAction.REOPEN_IF_NEEDED: (gettext_lazy("This dossier is closed. Reopen it when new signals come in."), None),
}
FOLLOW_HELP_PLANNED = gettext_lazy(
    "Follow the agreed help. At the next evaluation moment, answer question 5: does the help work?"
)
FOLLOW_HELP_EVALUATED = gettext_lazy(
    "Every evaluation moment is answered. Answer question 5 again in a new decision, or agree new moments."
)


def next_step(dossier: queries.Dossier) -> tuple[Any, str | None]:
    """The text and the page of the dossier's next action."""
    action, pk = dossier.route.next_action, dossier.case.pk
    if action == NextAction.FOLLOW_HELP and dossier.help_plan:
        if dossier.next_evaluation_id is not None:
            return FOLLOW_HELP_PLANNED, reverse("followup:evaluation", args=[dossier.next_evaluation_id])
        return FOLLOW_HELP_EVALUATED, reverse("meldcode:decision_create", args=[pk])
    text, url_name = NEXT_ACTIONS[action]
    return text, reverse(url_name, args=[pk]) if url_name else None


GUIDANCE_BY_STEP = {
    Step.SIGNALS: "signals",
    Step.CONSULTATION: "consultation",
    Step.CONVERSATION: "conversation",
    Step.WEIGHING: "weighing",
    Step.DECISION: "decision",
}
STEP_LABELS = {
    Step.SIGNALS: gettext_lazy("Signals"),
    Step.CONSULTATION: gettext_lazy("Consultation"),
    Step.CONVERSATION: gettext_lazy("Conversation"),
    Step.WEIGHING: gettext_lazy("Weighing"),
    Step.DECISION: gettext_lazy("Decision"),
}


def _pupils(request: ActorRequest) -> Any:
    return queries.school_pupils(request.actor).in_name_order()


# The logbook ------------------------------------------------------------------------------------


UNUSABLE_PUPIL = _(
    "The pupil this signal was about cannot be chosen: not (or no longer) a pupil of your school. "
    "Choose the pupil below; what you typed is kept."
)


@requires("signal.create")
def signal_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    case = None
    if case_id := request.GET.get("dossier"):
        case = queries.get_case(actor, int(case_id)) if case_id.isdigit() else None
    pupil_id = request.GET.get("leerling")
    pupil = queries.school_pupils(actor).filter(pk=pupil_id).first() if pupil_id and pupil_id.isdigit() else None
    if case is not None:
        pupil = case.pupil
    # The pupil in the address cannot be used (another school's, or no longer at this school).
    unusable = pupil is None and bool(pupil_id)
    if pupil is None and not (unusable and request.method == "POST"):
        query = request.GET.get("q", "")
        results = queries.search_pupils(actor, query)
        template = (
            "meldcode/_pupil_results.html" if request.headers.get("HX-Request") else "meldcode/signal_pick_pupil.html"
        )
        return render(request, template, {"query": query, "results": results, "unusable": unusable})

    # A posted signal about an unusable pupil comes back with everything typed and a choice of pupil.
    others = _pupils(request) if pupil is None else _pupils(request).exclude(pk=pupil.pk)
    form = forms.SignalForm(
        request.POST or None,
        pupils=others,
        own_group=queries.own_group_pupils(actor, others),
        may_ask_look_along=case is None and has_permission(actor, "signal.request_look_along"),
        choose_pupil=pupil is None,
    )
    if unusable and "pupil" not in request.POST:
        form.add_error(None, UNUSABLE_PUPIL)
    if request.method == "POST" and not form.picker_action and form.is_valid():
        chosen = form.cleaned_data.pop("pupil", None) or pupil
        assert chosen is not None  # without a pupil in the address, the form requires one
        try:
            signal = services.log_signal(actor, pupil=chosen, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form.cleaned_data.get("look_along"):
                messages.success(
                    request,
                    _("The signal has been saved in the logbook and the IB and the AF have been asked to look along."),
                )
            else:
                messages.success(request, _("The signal has been saved in the logbook."))
            if case is not None:
                return redirect("meldcode:case_detail", pk=case.pk)
            return redirect("meldcode:signal_detail", pk=signal.pk)
    context = {"form": form, "pupil": pupil, "case": case, "picker": form.pupil_picker()}
    return render(request, "meldcode/signal_form.html", context)


@requires("signal.list_own")
def signal_list(request: ActorRequest) -> HttpResponse:
    signals = queries.own_signals(request.actor)
    return render(request, "meldcode/signal_list.html", {"signals": signals[:200]})


@requires("signal.view")
def signal_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    signal = queries.get_signal(actor, pk, audit=False)
    amendments = list(signal.amendments.select_related("author"))
    context: dict[str, Any] = {
        "signal": signal,
        "amendments": amendments,
        "current": services.current_text(signal),
        "requests": (requests := list(signal.look_along_requests.select_related("requested_by", "picked_up_by"))),
        "look_along_open": any(r.picked_up_at is None for r in requests),
        "may_amend": can_amend_signal(actor, signal.school_id, signal.author_id),
        "may_triage": has_permission(actor, "signal.triage") and signal.status == Signal.Status.NEW,
        "other_pupils": list(signal.other_pupils.all()),
    }
    history = None
    if context["may_triage"]:
        context["history"] = history = queries.pupil_history(actor, signal)
        # The open dossier a signal would be added to: the one the history lists (the actor may open it).
        context["open_case"] = next((r.case for r in history.cases if r.case.is_open and r.may_open), None)
        context["open_form"] = forms.OpenCaseForm(leads=queries.possible_leads(actor), initial={"lead": actor.user_id})
        context["note_form"] = forms.NoteSignalForm()
    queries.audit_signal_view(actor, signal, history)
    return render(request, "meldcode/signal_detail.html", context)


@requires("signal.amend")
def signal_amend(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    signal = queries.get_signal(actor, pk)
    if not can_amend_signal(actor, signal.school_id, signal.author_id):
        raise PermissionDenied
    form = forms.AmendSignalForm(request.POST or None, initial=services.current_text(signal))
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_signal(actor, signal, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The correction has been saved; the original stays visible."))
            return redirect("meldcode:signal_detail", pk=signal.pk)
    return render(request, "meldcode/signal_amend.html", {"form": form, "signal": signal})


@require_POST
@requires("signal.request_look_along")
def signal_request_look_along(request: ActorRequest, pk: int) -> HttpResponse:
    signal = queries.get_signal(request.actor, pk, audit=False)
    services.request_look_along(request.actor, signal)
    messages.success(request, _("The IB and the AF have been asked to look along."))
    return redirect("meldcode:signal_detail", pk=signal.pk)


@require_POST
@requires("look_along.pick_up")
def look_along_pick_up(request: ActorRequest, pk: int) -> HttpResponse:
    look_along = queries.get_look_along_request(request.actor, pk)
    services.pick_up_look_along(request.actor, look_along)
    messages.success(request, _("You have picked up the request. The colleague can see that."))
    return redirect("meldcode:signal_detail", pk=look_along.signal_id)


@requires("inbox.view")
def inbox(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return render(
        request,
        "meldcode/inbox.html",
        {
            "signals": queries.inbox_rows(actor),
            "look_along_requests": queries.open_look_along_requests(actor),
            # What is recorded without a dossier (it counts in the monitoring) starts from here too.
            "may_record_advice": has_permission(actor, "advice_request.record"),
            "may_record_referral_index": has_permission(actor, "referral_index.record"),
        },
    )


# Advice requests to Veilig Thuis without a dossier ------------------------------------------------


@requires("advice_request.record")
def advice_request_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    context = {
        "page": queries.advice_request_page(actor, request.GET.get("page")),
        "may_record_referral_index": has_permission(actor, "referral_index.record"),
    }
    return render(request, "meldcode/advice_request_list.html", context)


@requires("advice_request.record")
def advice_request_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = forms.AdviceRequestForm(request.POST or None, pupils=_pupils(request))
    if request.method == "POST" and form.is_valid():
        try:
            advice.record_advice_request(actor, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The advice request has been recorded."))
            return redirect("meldcode:advice_request_list")
    return render(request, "meldcode/advice_request_form.html", {"form": form})


def _triage(request: ActorRequest, pk: int, action: Callable[[Any, Signal], Case | None], success: str) -> HttpResponse:
    actor = request.actor
    signal = queries.get_signal(actor, pk, audit=False)
    try:
        case = action(actor, signal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("meldcode:signal_detail", pk=signal.pk)
    messages.success(request, success)
    if case is not None:
        return redirect("meldcode:case_detail", pk=case.pk)
    return redirect("meldcode:inbox")


@require_POST
@requires("signal.triage")
def signal_open_case(request: ActorRequest, pk: int) -> HttpResponse:
    form = forms.OpenCaseForm(request.POST, leads=queries.possible_leads(request.actor))

    def action(actor: Any, signal: Signal) -> Case:
        if not form.is_valid():
            raise ValidationError(_("Choose a case lead."))
        return services.open_case(actor, signal, lead=form.cleaned_data["lead"])

    return _triage(request, pk, action, _("The dossier has been opened with this signal."))


@require_POST
@requires("signal.triage")
def signal_attach(request: ActorRequest, pk: int) -> HttpResponse:
    def action(actor: Any, signal: Signal) -> Case:
        case = queries.open_case_for_pupil(actor, signal.pupil_id)
        if case is None:
            raise ValidationError(_("This pupil has no open dossier."))
        services.attach_signal(actor, signal, case)
        return case

    return _triage(request, pk, action, _("The signal has been added to the open dossier."))


@require_POST
@requires("signal.triage")
def signal_note(request: ActorRequest, pk: int) -> HttpResponse:
    form = forms.NoteSignalForm(request.POST)

    def action(actor: Any, signal: Signal) -> None:
        if not form.is_valid():
            raise ValidationError(_("Give the reason why no dossier is needed."))
        services.note_signal(actor, signal, reason=form.cleaned_data["reason"])

    return _triage(request, pk, action, _("The signal has been noted without a dossier; the logbook keeps it."))


# The dossier ------------------------------------------------------------------------------------


@requires("case.list")
def case_list(request: ActorRequest) -> HttpResponse:
    status = request.GET.get("status", Case.Status.OPEN)
    cases = list(queries.case_list(request.actor, status)[:300])
    rows = [(case, queries.route_state(queries.facts_for(case))) for case in cases]
    context = {
        "rows": rows,
        "status": status,
        "step_labels": STEP_LABELS,
        "may_import": has_permission(request.actor, "handover.import"),
    }
    return render(request, "meldcode/case_list.html", context)


@requires("case.view")
def case_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    dossier = queries.load_dossier(actor, pk, sections=True)
    text, next_url = next_step(dossier)
    route, case = dossier.route, dossier.case
    steps = [(step, STEP_LABELS[step], status) for step, status in route.steps.items()]
    may = {
        perm.replace(".", "_"): has_permission(actor, perm)
        for perm in ("case.record", "case.weigh", "case.decide", "case.report", "case.close", "case.manage_members")
    }
    actions = _dossier_actions(dossier, may, next_url)
    context = {
        # The current step's actions beside the next step; the others folded under "Other actions".
        "current_actions": [a for a in actions if a.step == route.current_step],
        "other_actions": [a for a in actions if a.step != route.current_step],
        # The acute path stays in view until there is a decision: phone Veilig Thuis, then decide.
        "acute_url": reverse("meldcode:acute", args=[pk])
        if case.is_open and may["case_decide"] and dossier.decision is None
        else None,
        # Completed steps are folded; the current one, those still to do, and a closed dossier's are open.
        "step_open": {
            step: step == route.current_step or not case.is_open or status in (StepStatus.TODO, StepStatus.CURRENT)
            for step, status in route.steps.items()
        },
        # The button shows only when its page would let this person in (the view declares the permission).
        "next_allowed": next_url is not None
        and has_permission(actor, cast(PermissionedView, resolve(next_url).func).required_permission),
        "guidance_topic": GUIDANCE_BY_STEP[dossier.route.current_step],
        "d": dossier,
        # The other apps' sections, each loaded once (haven/meldcode/sections.py lists them).
        "sections": load_sections(actor, dossier),
        "case": dossier.case,
        "steps": steps,
        "next_text": text,
        "next_url": next_url,
        "may": may,
        "signal_texts": [(s, dossier.signal_text(s), s.pk in dossier.amendments) for s in dossier.signals],
        # Plain pick lists, not MemberForm: rendering each option through the form widgets' templates
        # cost more than the rest of the section. case_members validates the choice with MemberForm.
        "staff": queries.staff_choices(actor) if may["case_manage_members"] else None,
        "reopen_form": forms.ReopenForm() if may["case_close"] and not dossier.case.is_open else None,
    }
    return render(request, "meldcode/case_detail.html", context)


@dataclass(frozen=True)
class DossierAction:
    label: Any
    url: str
    step: Step | None  # the step it records, or None (closing the dossier)
    subtle: bool = False


def _dossier_actions(dossier: queries.Dossier, may: dict[str, bool], next_url: str | None) -> list[DossierAction]:
    """What this person may record in the open dossier, besides the next action's own "Go"."""
    case = dossier.case
    if not case.is_open:
        return []
    pk = [case.pk]
    actions = []
    if may["case_record"]:
        actions += [
            DossierAction(gettext_lazy("Add a signal"), reverse("meldcode:case_add_signal", args=pk), Step.SIGNALS),
            DossierAction(
                gettext_lazy("Consultation"), reverse("meldcode:consultation_create", args=pk), Step.CONSULTATION
            ),
            DossierAction(
                gettext_lazy("Conversation"), reverse("meldcode:conversation_create", args=pk), Step.CONVERSATION
            ),
        ]
        if Step.CONVERSATION not in dossier.skips and not dossier.conversations:
            url = reverse("meldcode:conversation_skip", args=pk)
            actions.append(DossierAction(gettext_lazy("Skip the conversation"), url, Step.CONVERSATION, subtle=True))
    if may["case_weigh"]:
        url = reverse("meldcode:weighing_create", args=pk)
        actions.append(DossierAction(gettext_lazy("Weigh"), url, Step.WEIGHING))
    if may["case_decide"]:
        url = reverse("meldcode:decision_create", args=pk)
        actions.append(DossierAction(gettext_lazy("Decide"), url, Step.DECISION))
    if may["case_report"] and dossier.decision is not None and dossier.decision.reports:
        url = reverse("meldcode:report_edit", args=pk)
        actions.append(DossierAction(gettext_lazy("Report to Veilig Thuis"), url, Step.DECISION))
    if may["case_close"]:
        url = reverse("meldcode:case_close", args=pk)
        actions.append(DossierAction(gettext_lazy("Close dossier"), url, None, subtle=True))
    # The next action has its own button: not twice.
    return [action for action in actions if action.url != next_url]


@requires("case.record")
def case_add_signal(request: ActorRequest, pk: int) -> HttpResponse:
    case = queries.get_case(request.actor, pk, audit=False)
    return redirect(f"{reverse('meldcode:signal_create')}?dossier={case.pk}")


def _step_form(
    request: ActorRequest,
    pk: int,
    form_class: type[Any],
    save: Callable[[Any, Case, dict[str, Any]], Any],
    *,
    title: str,
    guidance: str,
    success: str,
    form_kwargs: dict[str, Any] | None = None,
    intro: str = "",
) -> HttpResponse:
    """One page per step record: the form, the step's guidance beside it, one service call on submit."""
    actor = request.actor
    case = queries.get_case(actor, pk)
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(actor, case, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("meldcode:case_detail", pk=case.pk)
    context = {"form": form, "case": case, "title": title, "guidance": guidance, "intro": intro}
    return render(request, "meldcode/step_form.html", context)


@requires("case.record")
def consultation_create(request: ActorRequest, pk: int) -> HttpResponse:
    return _step_form(
        request,
        pk,
        forms.ConsultationForm,
        lambda actor, case, data: services.record_consultation(actor, case, **data),
        title=_("Record a consultation"),
        guidance="consultation",
        success=_("The consultation has been recorded."),
    )


@requires("case.record")
def conversation_create(request: ActorRequest, pk: int) -> HttpResponse:
    return _step_form(
        request,
        pk,
        forms.ConversationForm,
        lambda actor, case, data: services.record_conversation(actor, case, **data),
        title=_("Record the conversation with the parents and the pupil"),
        guidance="conversation",
        success=_("The conversation has been recorded."),
    )


@requires("case.record")
def conversation_skip(request: ActorRequest, pk: int) -> HttpResponse:
    return _step_form(
        request,
        pk,
        forms.SkipConversationForm,
        lambda actor, case, data: services.skip_conversation(actor, case, **data),
        title=_("Skip the conversation"),
        guidance="conversation",
        success=_("The decision to skip the conversation has been recorded."),
        intro=_(
            "The conversation may only be skipped when it would endanger the child, others or you, "
            "or would likely make the family withdraw from help or contact."
        ),
    )


def _save_weighing(actor: Any, case: Case, data: dict[str, Any]) -> Any:
    data = dict(data, suspicion=forms.as_bool(data["suspicion"]), unsafety=forms.as_bool(data["unsafety"]))
    return services.record_weighing(actor, case, **data)


@requires("case.weigh")
def weighing_create(request: ActorRequest, pk: int) -> HttpResponse:
    return _step_form(
        request,
        pk,
        forms.WeighingForm,
        _save_weighing,
        title=_("Weigh the risk (framework questions 1 and 2)"),
        guidance="weighing",
        success=_("The weighing has been recorded."),
    )


@requires("case.decide")
def acute(request: ActorRequest, pk: int) -> HttpResponse:
    def save(actor: Any, case: Case, data: dict[str, Any]) -> Any:
        return services.declare_acute(actor, case, **data)

    response = _step_form(
        request,
        pk,
        forms.AcuteForm,
        save,
        title=_("Acute situation: straight to the decision"),
        guidance="acute",
        success=_("The acute situation has been recorded. Decide now, and phone Veilig Thuis."),
        intro=_("In immediate danger, call 112. Phone Veilig Thuis (0800-2000) first, record afterwards."),
    )
    if response.status_code == 302:
        return redirect("meldcode:decision_create", pk=pk)
    return response


@requires("case.decide")
def decision_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    dossier = queries.load_dossier(actor, pk)
    case = dossier.case
    initial: dict[str, Any] = {"decided_by": actor.user_id}
    previous = dossier.decision or dossier.weighing
    for name in forms.DecisionForm.ANSWERS:
        initial[name] = forms.from_bool(getattr(previous, name, None))
    if request.GET.get("effective") in ("yes", "no"):
        # Question 5 just answered at an evaluation moment of the help plan (haven.followup).
        initial["effective"] = request.GET["effective"]
    staff = queries.school_staff(actor)
    if "preview" in request.POST:
        # Without JavaScript, "show the advice" re-renders the answers given so far; nothing is saved.
        form = forms.DecisionForm(staff=staff, initial=request.POST.dict())
    else:
        form = forms.DecisionForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        answers = form.answers()
        for name in forms.DecisionForm.ANSWERS:
            data.pop(name)
        try:
            services.decide(actor, case, answers=answers, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect("meldcode:case_detail", pk=case.pk)
    answers = {name: forms.as_bool(form[name].value()) for name in forms.DecisionForm.ANSWERS}
    context = {
        "form": form,
        "case": case,
        "d": dossier,
        "advice": evaluate(**answers),
        "advice_url": reverse("meldcode:decision_advice", args=[pk]),
    }
    return render(request, "meldcode/decision_form.html", context)


@requires("case.decide")
def decision_advice(request: ActorRequest, pk: int) -> HttpResponse:
    """The framework's advice for the answers so far, shown live beside the decision form (htmx)."""
    queries.get_case(request.actor, pk, audit=False)
    answers = {name: forms.as_bool(request.GET.get(name)) for name in forms.DecisionForm.ANSWERS}
    return render(request, "meldcode/_advice.html", {"advice": evaluate(**answers)})


def _report_form(data: Any, dossier: queries.Dossier, request: ActorRequest) -> forms.ReportForm:
    """The report form: the draft as it is now, or prefilled from the dossier and the reporter's
    account (version 0: no draft)."""
    report = dossier.report
    if report is None:
        actor = request.actor
        form = forms.ReportForm(data, initial=queries.report_initial(dossier, request.user, actor.role))
    else:
        form = forms.ReportForm(data, instance=report)
    concurrency.track(form, report.version if report is not None else 0)
    return form


@requires("case.report")
def report_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    dossier = queries.load_dossier(actor, pk)
    case, report = dossier.case, dossier.report
    form = _report_form(request.POST or None, dossier, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_report(actor, case, **concurrency.submitted(form))
        except concurrency.EditConflict as conflict:
            concurrency.explain(form, _report_form(None, queries.load_dossier(actor, pk), request), conflict)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The report has been saved. Record it as made once you have made it."))
            return redirect("meldcode:report_edit", pk=case.pk)
    made_form = None
    if report is not None and not report.is_made:
        made_form = forms.ReportMadeForm(staff=queries.school_staff(actor), initial={"made_by": actor.user_id})
    return _report_page(request, dossier, form, made_form)


def _report_page(request: HttpRequest, dossier: Any, form: Any, made_form: Any) -> HttpResponse:
    context = {
        "form": form,
        "case": dossier.case,
        "d": dossier,
        "report": dossier.report,
        "made_form": made_form,
        "pupil_age": queries.age(dossier.case.pupil),
    }
    return render(request, "meldcode/report_form.html", context)


@require_POST
@requires("case.report")
def report_made(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    dossier = queries.load_dossier(actor, pk)
    if dossier.report is None:
        messages.error(request, _("First save the report."))
        return redirect("meldcode:report_edit", pk=pk)
    form = forms.ReportMadeForm(request.POST, staff=queries.school_staff(actor))
    if form.is_valid():
        try:
            services.mark_report_made(actor, dossier.report, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The report to Veilig Thuis has been recorded as made."))
            return redirect("meldcode:case_detail", pk=pk)
    # Back to the report page with what was typed and the errors beside the fields (and, for a
    # date long ago, the box that confirms it).
    return _report_page(request, dossier, _report_form(None, dossier, request), form)


@requires("case.report")
def report_print(request: ActorRequest, pk: int) -> HttpResponse:
    dossier = queries.load_dossier(request.actor, pk)
    # The report of the current decision, or else the last one made.
    report = dossier.report or (dossier.reports[-1] if dossier.reports else None)
    if report is None:
        messages.error(request, _("First save the report."))
        return redirect("meldcode:report_edit", pk=pk)
    return render(
        request,
        "meldcode/report_print.html",
        {"d": dossier, "report": report, "case": dossier.case, "pupil_age": queries.age(dossier.case.pupil)},
    )


@requires("case.close")
def case_close(request: ActorRequest, pk: int) -> HttpResponse:
    return _step_form(
        request,
        pk,
        forms.CloseForm,
        lambda actor, case, data: services.close_case(actor, case, **data),
        title=_("Close the dossier"),
        guidance="closure",
        success=_("The dossier has been closed."),
        # A reason proposed by the page that led here (haven.followup: "help_working" after question 5).
        form_kwargs={"initial": {"reason": request.GET.get("reason", "")}},
    )


@require_POST
@requires("case.close")
def case_reopen(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = queries.get_case(actor, pk, audit=False)
    form = forms.ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for reopening."))
        services.reopen_case(actor, case, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The dossier has been reopened."))
    return redirect("meldcode:case_detail", pk=pk)


@require_POST
@requires("case.manage_members")
def case_members(request: ActorRequest, pk: int) -> HttpResponse:
    """Add or remove a member, or change the case lead: one form per action on the dossier page."""
    actor = request.actor
    case = queries.get_case(actor, pk, audit=False)
    action = request.POST.get("action")
    form = forms.MemberForm(request.POST, staff=queries.school_staff(actor))
    operations = {
        "add": (services.add_case_member, _("The member has been added.")),
        "remove": (services.remove_case_member, _("The member has been removed.")),
        "lead": (services.change_lead, _("The case lead has been changed.")),
    }
    try:
        if action not in operations or not form.is_valid():
            raise ValidationError(_("Choose a staff member."))
        operation, success = operations[action]
        operation(actor, case, form.cleaned_data["user"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("meldcode:case_detail", pk=pk)


# Planned conversations with the parents (step 3) --------------------------------------------------


@requires("conversation.plan")
def conversation_plan(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = queries.get_case(actor, pk)
    form = forms.PlanConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_conversation(actor, case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The conversation has been planned. It is in the tasks of the dossier's members.")
            )
            return redirect(reverse("meldcode:case_detail", args=[case.pk]) + "#planned-conversations")
    context = {
        "form": form,
        "case": case,
        "title": _("Plan the conversation with the parents"),
        "guidance": "conversation",
        "intro": _(
            "Prepare the conversation together: who leads it, what you will share, and how you listen, "
            "summarise and ask further. Meet face to face, at a safe place."
        ),
    }
    return render(request, "meldcode/step_form.html", context)


@require_POST
@requires("conversation.plan")
def conversation_plan_cancel(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    plan = queries.get_planned_conversation(actor, pk)
    try:
        services.cancel_planned_conversation(actor, plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The planned conversation has been cancelled."))
    return redirect(reverse("meldcode:case_detail", args=[plan.case_id]) + "#planned-conversations")
