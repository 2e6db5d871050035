"""Every write of the feedback app, each with its audit entry."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.core.text import fold
from egov.dossiers.models import Dossier, Status
from egov.feedback import redaction
from egov.feedback.models import Feedback, FeedbackEvent, Rating
from egov.feedback.permissions import HANDLER_ROLES
from egov.organization.calendar import get_calendar
from egov.organization.models import Unit
from egov.organization.permissions import has_role_in
from egov.procedures.models import Procedure

# A dossier can be rated once processing ended with a result (ND 61/2018 Điều 31).
RATEABLE_STATUSES = (Status.RESOLVED, Status.RETURNED)


def may_rate(dossier: Dossier) -> bool:
    """Whether the dossier can be rated now: one rule for the portal's link and the rating page."""
    return dossier.status in RATEABLE_STATUSES


class AlreadyRatedError(ValidationError):
    """The dossier already has its one rating."""


@dataclass(frozen=True)
class RatingInput:
    overall: int
    timeliness: int | None = None
    contacts: int | None = None
    attitude: int | None = None
    lawfulness: int | None = None
    comment: str = ""


def rate_dossier(dossier: Dossier, *, by: User, rating: RatingInput) -> Rating:
    """Record the citizen's one rating of their processed dossier."""
    if not by.is_authenticated or dossier.citizen_id != by.pk:
        raise PermissionDenied
    if not may_rate(dossier):
        raise ValidationError(_("A dossier can be rated once it has been processed."))
    if not 1 <= rating.overall <= 5:
        raise ValidationError(_("Choose how satisfied you are."))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if Rating.objects.filter(dossier=locked).exists():
            raise AlreadyRatedError(_("You have already rated this dossier."))
        created = Rating.objects.create(
            dossier=locked,
            citizen=by,
            unit_id=locked.receiving_unit_id,
            overall=rating.overall,
            timeliness=rating.timeliness,
            contacts=rating.contacts,
            attitude=rating.attitude,
            lawfulness=rating.lawfulness,
            comment=rating.comment.strip(),
        )
        audit.record(
            actor=by,
            action="feedback.rate",
            target=created,
            unit_id=locked.receiving_unit_id,
            after={"dossier": locked.code, "overall": rating.overall},
        )
    return created


@dataclass(frozen=True)
class FeedbackInput:
    kind: str
    title: str
    content: str
    about: str = Feedback.About.GENERAL
    dossier: Dossier | None = None
    procedure: Procedure | None = None
    name: str = ""
    phone: str = ""
    email: str = ""


def handling_unit(data: FeedbackInput) -> Unit:
    """The dossier's receiving unit, the procedure's competent unit, else the province (root)."""
    if data.dossier is not None:
        return data.dossier.receiving_unit
    if data.procedure is not None:
        version = data.procedure.current_version
        if version is not None and version.competent_unit_id is not None:
            return Unit.objects.get(pk=version.competent_unit_id)
    root = Unit.objects.filter(parent__isnull=True, dissolved_on__isnull=True).order_by("pk").first()
    if root is None:
        raise ValidationError(_("No unit can receive feedback yet."))
    return root


def submit_feedback(data: FeedbackInput, *, by: User | None, now: dt.datetime | None = None) -> Feedback:
    """Receive a complaint or recommendation and set its deadlines (QĐ 766 indicator 5.2)."""
    now = now or timezone.now()
    citizen = by if by is not None and by.is_authenticated and by.is_citizen else None
    if data.dossier is not None and (citizen is None or data.dossier.citizen_id != citizen.pk):
        raise ValidationError(_("You can only send feedback about your own dossiers."))
    name = data.name.strip() or (citizen.display_name if citizen else "")
    if citizen is None and not (name and (data.phone.strip() or data.email.strip())):
        raise ValidationError(_("Give your name and a phone number or e-mail address so we can answer."))
    calendar = get_calendar()
    unit = handling_unit(data)
    with transaction.atomic():
        feedback = Feedback.objects.create(
            kind=data.kind,
            about=data.about,
            dossier=data.dossier,
            procedure=data.procedure,
            citizen=citizen,
            name=name,
            phone=data.phone.strip(),
            email=data.email.strip() or (citizen.email if citizen else ""),
            title=data.title.strip(),
            content=data.content.strip(),
            unit=unit,
            received_at=now,
            refuse_due_at=calendar.add_working_days(now, Feedback.REFUSE_DAYS),
            info_due_at=calendar.add_working_days(now, Feedback.INFO_DAYS),
            answer_due_at=calendar.add_working_days(now, Feedback.ANSWER_DAYS),
        )
        _event(feedback, by=citizen, kind=FeedbackEvent.Kind.RECEIVED, before="", now=now)
        audit.record(
            actor=citizen,
            action="feedback.submit",
            target=feedback,
            unit_id=unit.pk,
            after={"kind": feedback.kind, "about": feedback.about, "status": feedback.status},
        )
    return feedback


def refuse_feedback(feedback: Feedback, *, by: User, reason: str, now: dt.datetime | None = None) -> Feedback:
    """Refuse to handle (out of scope, anonymous abuse, duplicate…) within 2 working days."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for refusing."))
    with transaction.atomic():
        feedback = _lock(feedback, by, Feedback.Status.RECEIVED)
        before = feedback.status
        feedback.status = Feedback.Status.REFUSED
        feedback.refused_at = now
        feedback.refusal_reason = reason
        feedback.refused_on_time = now <= feedback.refuse_due_at
        feedback.save()
        _event(feedback, by=by, kind=FeedbackEvent.Kind.REFUSED, before=before, now=now, note=reason)
        _audit(feedback, by, "feedback.refuse", before, {"on_time": feedback.refused_on_time})
    return feedback


def request_information(
    feedback: Feedback, *, by: User, question: str, now: dt.datetime | None = None
) -> Feedback:
    """Ask the sender for more information; the first request is due within 5 working days."""
    now = now or timezone.now()
    question = question.strip()
    if not question:
        raise ValidationError(_("Write what you need to know."))
    with transaction.atomic():
        feedback = _lock(feedback, by, Feedback.Status.RECEIVED)
        before = feedback.status
        feedback.status = Feedback.Status.INFO_REQUESTED
        feedback.question = question
        if feedback.info_requested_at is None:
            feedback.info_on_time = now <= feedback.info_due_at
        feedback.info_requested_at = now
        feedback.save()
        _event(feedback, by=by, kind=FeedbackEvent.Kind.INFO_REQUESTED, before=before, now=now, note=question)
        _audit(feedback, by, "feedback.request_information", before, {"on_time": feedback.info_on_time})
    return feedback


def reply_with_information(
    feedback: Feedback, *, by: User, reply: str, now: dt.datetime | None = None
) -> Feedback:
    """The citizen answers the question; the feedback goes back to the handling unit."""
    now = now or timezone.now()
    reply = reply.strip()
    if not reply:
        raise ValidationError(_("Write your reply."))
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.citizen_id is None or feedback.citizen_id != by.pk:
            raise PermissionDenied
        if feedback.status != Feedback.Status.INFO_REQUESTED:
            raise ValidationError(_("No information is being requested."))
        before = feedback.status
        feedback.status = Feedback.Status.RECEIVED
        feedback.info_reply = reply
        feedback.info_replied_at = now
        feedback.save()
        _event(feedback, by=by, kind=FeedbackEvent.Kind.INFO_REPLIED, before=before, now=now, note=reply)
        _audit(feedback, by, "feedback.reply", before, {})
    return feedback


def answer_feedback(feedback: Feedback, *, by: User, answer: str, now: dt.datetime | None = None) -> Feedback:
    """Answer within 15 working days of receipt; publication is then due within 2."""
    now = now or timezone.now()
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write the answer."))
    with transaction.atomic():
        feedback = _lock(feedback, by, Feedback.Status.RECEIVED, Feedback.Status.INFO_REQUESTED)
        before = feedback.status
        feedback.status = Feedback.Status.ANSWERED
        feedback.answer = answer
        feedback.answered_at = now
        feedback.answered_by = by
        feedback.answered_on_time = now <= feedback.answer_due_at
        feedback.publish_due_at = get_calendar().add_working_days(now, Feedback.PUBLISH_DAYS)
        feedback.save()
        _event(feedback, by=by, kind=FeedbackEvent.Kind.ANSWERED, before=before, now=now)
        _audit(feedback, by, "feedback.answer", before, {"on_time": feedback.answered_on_time})
    return feedback


@dataclass(frozen=True)
class PublicText:
    """The redacted texts a reviewer approved for the portal."""

    title: str
    content: str
    answer: str


def _known(feedback: Feedback) -> dict[str, list[str]]:
    """Names and addresses egov holds about the sender and the applicant, found wherever they appear."""
    names, addresses = [feedback.name], []
    if feedback.citizen is not None:
        names.append(feedback.citizen.full_name)
    if feedback.dossier is not None:
        names.append(feedback.dossier.applicant_name)
        addresses.append(feedback.dossier.applicant_address)
    return {"names": [n for n in names if n], "addresses": [a for a in addresses if a]}


def suggested_public_text(feedback: Feedback) -> PublicText:
    """The automatic suggestion the reviewer starts from."""
    known = _known(feedback)
    return PublicText(
        title=redaction.suggest(feedback.title, **known),
        content=redaction.suggest(feedback.content, **known),
        answer=redaction.suggest(feedback.answer, **known),
    )


def publish_answer(
    feedback: Feedback, *, by: User, text: PublicText, checked: bool, now: dt.datetime | None = None
) -> Feedback:
    """Publish the redacted question and answer, once a person has checked them.

    Within 2 working days of answering (QĐ 766 indicator 5.2). The portal shows only the approved
    texts; one in which a name, ID number, phone, e-mail or address is still recognised is refused
    (ND 13/2023: publishing personal data is not needed for the purpose), and so is a publication
    the reviewer has not confirmed.
    """
    now = now or timezone.now()
    text = PublicText(title=text.title.strip(), content=text.content.strip(), answer=text.answer.strip())
    if not checked:
        raise ValidationError(_("Confirm that you have checked the texts for personal data."))
    if not (text.title and text.content and text.answer):
        raise ValidationError(_("The published title, content and answer cannot be empty."))
    known = _known(feedback)
    parts = (text.title, text.content, text.answer)
    left = [found for part in parts for found in redaction.personal_data_left(part, **known)]
    if left:
        raise ValidationError(
            _("Personal data is still in the text: %(found)s. Replace it before publishing.")
            % {"found": "; ".join(f"{f.text} → {f.kind}" for f in left)}
        )
    with transaction.atomic():
        feedback = _lock(feedback, by, Feedback.Status.ANSWERED)
        before = feedback.status
        feedback.status = Feedback.Status.PUBLISHED
        feedback.public_title, feedback.public_content, feedback.public_answer = (
            text.title,
            text.content,
            text.answer,
        )
        feedback.redaction_approved_by = by
        feedback.redaction_approved_at = now
        feedback.search_text = fold(f"{text.title} {text.content} {text.answer}")
        feedback.published = True
        feedback.published_at = now
        assert feedback.publish_due_at is not None
        feedback.published_on_time = now <= feedback.publish_due_at
        feedback.save()
        _event(feedback, by=by, kind=FeedbackEvent.Kind.PUBLISHED, before=before, now=now)
        _audit(
            feedback,
            by,
            "feedback.publish",
            before,
            {"on_time": feedback.published_on_time, "redaction_approved_by": by.pk},
        )
    return feedback


def _lock(feedback: Feedback, by: User, *allowed: str) -> Feedback:
    """Lock the row, check the actor handles feedback in its unit and the status allows the step."""
    locked = Feedback.objects.select_for_update().select_related("unit").get(pk=feedback.pk)
    if not has_role_in(by, locked.unit, *HANDLER_ROLES):
        raise PermissionDenied
    if locked.status not in allowed:
        raise ValidationError(_("This step is not possible in the feedback's current status."))
    return locked


def _event(
    feedback: Feedback, *, by: User | None, kind: str, before: str, now: dt.datetime, note: str = ""
) -> None:
    FeedbackEvent.objects.create(
        feedback=feedback,
        at=now,
        actor=by,
        kind=kind,
        from_status=before,
        to_status=feedback.status,
        note=note,
    )


def _audit(feedback: Feedback, by: User, action: str, before: str, extra: dict[str, object]) -> None:
    audit.record(
        actor=by,
        action=action,
        target=feedback,
        unit_id=feedback.unit_id,
        before={"status": before},
        after={"status": feedback.status, **extra},
    )
