"""Pages for ratings and PAKN: thin — parse, find through an access function, call a service."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egov.accounts.models import User
from egov.core.limits import parse_day
from egov.dossiers.models import Dossier
from egov.feedback import permissions, queries, services
from egov.feedback.forms import (
    AnswerForm,
    FeedbackForm,
    PublicationForm,
    QuestionForm,
    RatingForm,
    ReasonForm,
    ReplyForm,
)
from egov.feedback.models import Feedback, Rating
from egov.procedures.models import Procedure

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# Ratings ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen rates their processed dossier, once (ND 61/2018 Điều 31)."""
    user = _user(request)
    dossier = permissions.get_own_dossier(user, code)
    existing = Rating.objects.filter(dossier=dossier).first()
    rateable = services.may_rate(dossier)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if existing is not None:
            messages.warning(request, _("You have already rated this dossier. A rating cannot be changed."))
            status = 409
        elif not rateable:
            messages.error(request, _("A dossier can be rated once it has been processed."))
            status = 409
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.rate_dossier(
                    dossier,
                    by=user,
                    rating=services.RatingInput(
                        overall=data["overall"],
                        timeliness=data["timeliness"],
                        contacts=data["contacts"],
                        attitude=data["attitude"],
                        lawfulness=data["lawfulness"],
                        comment=data["comment"],
                    ),
                )
            except services.AlreadyRatedError:
                messages.warning(
                    request, _("You have already rated this dossier. A rating cannot be changed.")
                )
                status = 409
            else:
                messages.success(request, _("Thank you for rating the service."))
                return redirect("feedback:rate", code=dossier.code)
        else:
            status = 400
    context = {"dossier": dossier, "rating": existing, "rateable": rateable, "form": form}
    return render(request, "feedback/rate.html", context, status=status)


@login_required
def staff_ratings(request: HttpRequest) -> HttpResponse:
    """Ratings of the officer's units, with the average per unit for the chosen period."""
    user = _user(request)
    if user.is_citizen:
        raise Http404
    today = timezone.localdate()
    start_day = _date(request.GET.get("from")) or today.replace(day=1)
    end_day = _date(request.GET.get("to")) or today
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    ratings = permissions.ratings_for_staff(user)
    in_period = ratings.filter(created_at__gte=start, created_at__lt=end).select_related("dossier", "unit")
    page_obj = Paginator(in_period, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "averages": queries.average_by_unit(ratings, start, end),
        "page_obj": page_obj,
        "start": start_day,
        "end": end_day,
        "query_string": urlencode({"from": start_day.isoformat(), "to": end_day.isoformat()}) + "&",
    }
    return render(request, "feedback/staff_ratings.html", context)


def _date(value: str | None) -> dt.date | None:
    return parse_day(value) if value and "/" not in value else None


# Submitting and following feedback -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Gửi phản ánh, kiến nghị: open to everyone; a dossier must be the citizen's own."""
    user = _user(request) if request.user.is_authenticated else None
    initial = {
        "dossier_code": request.GET.get("ho-so", "")[:48],
        "procedure_code": request.GET.get("thu-tuc", "")[:16],
    }
    if initial["dossier_code"]:
        initial["about"] = Feedback.About.DOSSIER
    elif initial["procedure_code"]:
        initial["about"] = Feedback.About.PROCEDURE
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dossier: Dossier | None = None
        procedure: Procedure | None = None
        if data["about"] == Feedback.About.DOSSIER:
            try:
                dossier = permissions.get_own_dossier(user, data["dossier_code"]) if user else None
            except Http404:
                dossier = None
            if dossier is None:
                form.add_error("dossier_code", _("Log in and enter the code of one of your own dossiers."))
        elif data["about"] == Feedback.About.PROCEDURE:
            procedure = (
                Procedure.objects.select_related("current_version")
                .filter(code=data["procedure_code"])
                .first()
            )
            if procedure is None:
                form.add_error("procedure_code", _("No procedure has this code."))
        if not form.errors:
            try:
                feedback = services.submit_feedback(
                    services.FeedbackInput(
                        kind=data["kind"],
                        about=data["about"],
                        title=data["title"],
                        content=data["content"],
                        dossier=dossier,
                        procedure=procedure,
                        name=data["name"],
                        phone=data["phone"],
                        email=data["email"],
                    ),
                    by=user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(request, "feedback/submitted.html", {"feedback": feedback})
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/submit.html", {"form": form}, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Phản ánh của tôi: the citizen's feedback and their answers."""
    user = _user(request)
    if not user.is_citizen:
        raise Http404
    items = Feedback.objects.filter(citizen=user).select_related("unit")
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/mine.html", {"page_obj": page_obj, "query_string": ""})


@login_required
@require_http_methods(["GET", "POST"])
def mine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the citizen's feedback; they reply here when asked for more information."""
    user = _user(request)
    feedback = permissions.get_feedback_for_citizen(user, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_with_information(feedback, by=user, reply=form.cleaned_data["reply"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your reply has been sent."))
        return redirect("feedback:mine_detail", pk=feedback.pk)
    return render(request, "feedback/mine_detail.html", {"feedback": feedback, "form": form})


def published(request: HttpRequest) -> HttpResponse:
    """Published answers, searchable without accents."""
    query = request.GET.get("q", "").strip()[:200]
    page_obj = Paginator(queries.search_published(query), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = urlencode({"q": query}) + "&" if query else ""
    return render(
        request, "feedback/published.html", {"page_obj": page_obj, "q": query, "query_string": query_string}
    )


def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request, "feedback/published_detail.html", {"feedback": permissions.get_published_feedback(pk)}
    )


# Staff ------------------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Feedback to handle in the officer's units, the most urgent first, overdue in red."""
    user = _user(request)
    if user.is_citizen:
        raise Http404
    if not permissions.may_handle_feedback(user):
        raise PermissionDenied
    show = "all" if request.GET.get("show") == "all" else "open"
    items = queries.staff_queue(permissions.feedback_for_staff(user), show=show)
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(item, _clock(item, now)) for item in page_obj]
    context = {"page_obj": page_obj, "rows": rows, "show": show, "query_string": f"show={show}&"}
    return render(request, "feedback/staff_queue.html", context)


def _clock(feedback: Feedback, now: dt.datetime) -> str:
    due = feedback.next_due_at
    if due is None:
        return "done"
    if now > due:
        return "late"
    if due - now < dt.timedelta(days=2):
        return "soon"
    return "ok"


# Publication has its own page (staff_review): it needs the reviewed, redacted texts.
ACTIONS = {"refuse": ReasonForm, "request_information": QuestionForm, "answer": AnswerForm}


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The handling page: history and the forms of the steps the status allows."""
    user = _user(request)
    feedback = permissions.get_feedback_for_staff(user, pk)
    context = {
        "feedback": feedback,
        "events": feedback.events.select_related("actor"),
        "reason_form": ReasonForm(),
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        "now": timezone.now(),
    }
    return render(request, "feedback/staff_detail.html", context)


@login_required
@require_POST
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    feedback = permissions.get_feedback_for_staff(user, pk)
    if action not in ACTIONS:
        raise Http404
    form = ACTIONS[action](request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the form before sending."))
        return HttpResponseRedirect(feedback_url(feedback))
    data = form.cleaned_data
    try:
        if action == "refuse":
            services.refuse_feedback(feedback, by=user, reason=data["reason"])
        elif action == "request_information":
            services.request_information(feedback, by=user, question=data["question"])
        else:
            services.answer_feedback(feedback, by=user, answer=data["answer"])
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return HttpResponseRedirect(feedback_url(feedback))


@login_required
@require_http_methods(["GET", "POST"])
def staff_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Publication: the suggested redaction beside the originals, corrected and confirmed by a person."""
    user = _user(request)
    feedback = permissions.get_feedback_for_staff(user, pk)
    if feedback.status != Feedback.Status.ANSWERED:
        messages.error(request, _("Only an answered complaint or recommendation can be published."))
        return HttpResponseRedirect(feedback_url(feedback))
    suggestion = services.suggested_public_text(feedback)
    form = PublicationForm(
        request.POST or None,
        initial={
            "public_title": suggestion.title,
            "public_content": suggestion.content,
            "public_answer": suggestion.answer,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            text = services.PublicText(
                title=data["public_title"], content=data["public_content"], answer=data["public_answer"]
            )
            try:
                services.publish_answer(feedback, by=user, text=text, checked=data["checked"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The reviewed texts are published."))
                return HttpResponseRedirect(feedback_url(feedback))
    context = {"feedback": feedback, "form": form, "suggestion": suggestion}
    return render(request, "feedback/staff_review.html", context, status=status)


def feedback_url(feedback: Feedback) -> str:
    from django.urls import reverse

    return reverse("feedback_staff:detail", args=[feedback.pk])
