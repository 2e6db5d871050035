"""Ratings of dossiers and complaints or recommendations (phản ánh, kiến nghị — PAKN)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Rating(models.Model):
    """A citizen's evaluation of one dossier (ND 61/2018 Điều 31; TT 01/2018 Điều 12–15).

    The per-dossier criteria score 2 / 1 / 0 like the indicators of TT 01/2018 Điều 13.
    """

    class Overall(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")  # Rất hài lòng
        SATISFIED = 4, _("Satisfied")  # Hài lòng
        NEUTRAL = 3, _("Neutral")  # Bình thường
        NOT_QUITE = 2, _("Not quite satisfied")  # Chưa hài lòng
        DISSATISFIED = 1, _("Dissatisfied")  # Không hài lòng

    class Timeliness(models.IntegerChoices):
        """Chỉ số 1: time taken against the appointment."""

        EARLY = 2, _("Earlier than the appointment")
        ON_TIME = 1, _("On the appointment day")
        LATE = 0, _("Later than the appointment")

    class Contacts(models.IntegerChoices):
        """Chỉ số 3: how many times the applicant had to come back or be contacted."""

        NONE = 2, _("No extra contact")
        ONE = 1, _("One extra contact")
        MORE = 0, _("More than one extra contact")

    class Attitude(models.IntegerChoices):
        """Staff attitude (ND 61/2018 Điều 31)."""

        COURTEOUS = 2, _("Courteous and helpful")
        ACCEPTABLE = 1, _("Acceptable")
        POOR = 0, _("Discourteous")

    class Lawfulness(models.IntegerChoices):
        """Chỉ số 7: a lawful result and no cost beyond the published fees."""

        LAWFUL = 2, _("Lawful result, no extra cost")
        MINOR = 1, _("Lawful result, but extra costs or errors")
        UNLAWFUL = 0, _("Unlawful result or unofficial payments")

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="rating", verbose_name=_("dossier")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("citizen account"),
    )
    # The dossier's receiving unit, kept here so averages per unit are one GROUP BY.
    unit = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="ratings", verbose_name=_("unit")
    )
    overall = models.PositiveSmallIntegerField(_("overall satisfaction"), choices=Overall)
    timeliness = models.PositiveSmallIntegerField(
        _("time against the appointment"), choices=Timeliness, null=True, blank=True
    )
    contacts = models.PositiveSmallIntegerField(
        _("number of extra contacts"), choices=Contacts, null=True, blank=True
    )
    attitude = models.PositiveSmallIntegerField(_("staff attitude"), choices=Attitude, null=True, blank=True)
    lawfulness = models.PositiveSmallIntegerField(
        _("lawful result and costs"), choices=Lawfulness, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "created_at"], name="rating_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overall__gte=1, overall__lte=5), name="rating_overall_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.overall}"


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def published(self) -> "FeedbackQuerySet":
        return self.filter(published=True, status=Feedback.Status.PUBLISHED)

    def open(self) -> "FeedbackQuerySet":
        return self.filter(status__in=Feedback.OPEN_STATUSES)


class Feedback(models.Model):
    """A complaint (phản ánh) or recommendation (kiến nghị) about the service.

    Deadlines follow QĐ 766/QĐ-TTg indicator 5.2, in working days from receipt: refuse within 2,
    ask for more information within 5, answer within 15, publish the answer within 2 of answering.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")  # Phản ánh
        RECOMMENDATION = "recommendation", _("Recommendation")  # Kiến nghị

    class About(models.TextChoices):
        DOSSIER = "dossier", _("One of my dossiers")
        PROCEDURE = "procedure", _("An administrative procedure")
        GENERAL = "general", _("General")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, being handled")
        INFO_REQUESTED = "info_requested", _("More information requested")
        REFUSED = "refused", pgettext_lazy("feedback status", "Refused")
        ANSWERED = "answered", _("Answered")
        PUBLISHED = "published", _("Answer published")

    OPEN_STATUSES = (Status.RECEIVED, Status.INFO_REQUESTED, Status.ANSWERED)

    # QĐ 766/QĐ-TTg indicator 5.2, in working days.
    REFUSE_DAYS = 2
    INFO_DAYS = 5
    ANSWER_DAYS = 15
    PUBLISH_DAYS = 2

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    about = models.CharField(_("about"), max_length=16, choices=About, default=About.GENERAL)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("dossier"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("procedure"),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("citizen account"),
    )
    name = models.CharField(_("full name"), max_length=255)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    title = models.CharField(pgettext_lazy("complaint", "title"), max_length=255)
    content = models.TextField(_("content"), max_length=5000)
    unit = models.ForeignKey(
        "organization.Unit",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("handling unit"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.RECEIVED)

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    refuse_due_at = models.DateTimeField(_("refuse by"))
    info_due_at = models.DateTimeField(_("ask for information by"))
    answer_due_at = models.DateTimeField(_("answer by"))
    publish_due_at = models.DateTimeField(_("publish by"), null=True, blank=True)

    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    info_requested_at = models.DateTimeField(_("information requested at"), null=True, blank=True)
    question = models.TextField(_("information requested"), blank=True)
    info_reply = models.TextField(_("citizen's reply"), blank=True)
    info_replied_at = models.DateTimeField(_("information supplied at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answer = models.TextField(_("answer"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # What the portal shows: the texts a reviewer approved with the personal data taken out
    # (egov.feedback.redaction). The originals above are only for the sender and the handlers.
    public_title = models.CharField(_("published title"), max_length=255, blank=True)
    public_content = models.TextField(_("published content"), blank=True)
    public_answer = models.TextField(_("published answer"), blank=True)
    redaction_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("redaction approved by"),
    )
    redaction_approved_at = models.DateTimeField(_("redaction approved at"), null=True, blank=True)

    # Whether each step met its deadline (QĐ 766 indicator 5.2); null until the step happens.
    refused_on_time = models.BooleanField(_("refused on time"), null=True, blank=True)
    info_on_time = models.BooleanField(_("information requested on time"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    published_on_time = models.BooleanField(_("published on time"), null=True, blank=True)

    # Folded published title, content and answer (egov.core.text.fold) for the public search; set
    # on publication from the redacted texts, so nobody finds a complaint by its sender's name.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint or recommendation")
        verbose_name_plural = _("complaints and recommendations")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "answer_due_at"], name="feedback_queue_idx"),
            models.Index(fields=["published", "published_at"], name="feedback_published_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"PAKN-{self.pk:06d}" if self.pk else "PAKN-new"

    @property
    def next_due_at(self) -> dt.datetime | None:
        """The deadline of the next step the handling unit owes."""
        if self.status == self.Status.ANSWERED:
            return self.publish_due_at
        if self.status in (self.Status.RECEIVED, self.Status.INFO_REQUESTED):
            return self.answer_due_at
        return None

    def is_overdue(self, now: dt.datetime) -> bool:
        due = self.next_due_at
        return due is not None and now > due


class FeedbackEvent(models.Model):
    """One step in a feedback's history."""

    class Kind(models.TextChoices):
        # The history's "step" column shows these labels; the codes are what services write.
        RECEIVED = "received", pgettext_lazy("feedback step", "Received")
        REFUSED = "refused", pgettext_lazy("feedback step", "Refused")
        INFO_REQUESTED = "info_requested", pgettext_lazy("feedback step", "More information requested")
        INFO_REPLIED = "info_replied", pgettext_lazy("feedback step", "Sender replied")
        ANSWERED = "answered", pgettext_lazy("feedback step", "Answered")
        PUBLISHED = "published", pgettext_lazy("feedback step", "Answer published")

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("step"), max_length=32, choices=Kind)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        ordering = ["feedback", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.kind}"
