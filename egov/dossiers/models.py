import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.core import display
from egov.integrations.errors import failure_message

# "Not finished yet" in the finished-at index: later than any period a report asks for.
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def finished_or_never() -> Coalesce:
    """When the dossier left the clock: closed, else resolved, else NEVER (still open).

    A dossier is closed only after it is resolved (or instead of it), so this is the later of the
    two. Every figure of a period concerns dossiers open at some moment of it, hence with this
    value at or after the period's start: the index on it lets a report read only those.
    """
    return Coalesce("closed_at", "resolved_at", Value(NEVER))


class Status(models.IntegerChoices):
    """National dossier status codes used by the national portal sync (vn-standards.md §1.9)."""

    REGISTERED = 1, _("Newly registered")  # Mới đăng ký
    RECEIVED = 2, _("Received")  # Được tiếp nhận
    NOT_RECEIVED = 3, _("Not received")  # Không được tiếp nhận
    PROCESSING = 4, _("Being processed")  # Đang xử lý
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested")  # Yêu cầu bổ sung giấy tờ
    PAYMENT_REQUESTED = 6, _("Financial obligation requested")  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7, _("Withdrawn by the applicant")  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8, _("Processing stopped")  # Dừng xử lý
    RESOLVED = 9, _("Processed")  # Đã xử lý xong
    RETURNED = 10, _("Result returned")  # Đã trả kết quả


CLOSED_STATUSES = (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)


class Channel(models.IntegerChoices):
    """How the dossier was submitted (KenhThucHien, ND 61/2018 Điều 16)."""

    DIRECT = 1, _("At the desk")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Public postal service")


class Dossier(models.Model):
    """A case file opened when an applicant submits a procedure's dossier.

    `code` is allocated once, on receipt, and kept for the dossier's whole life across channels
    and units (ND 61/2018 Điều 26; TT 01/2018 Điều 19; TT 03/2025 Điều 13).
    """

    class ApplicantKind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    class ResultOutcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", pgettext_lazy("dossier outcome", "Refused")

    class ReturnMethod(models.TextChoices):
        DESK = "desk", _("At the desk")
        POST = "post", _("By post")
        ONLINE = "online", _("Online")

    code = models.CharField(_("dossier code"), max_length=48, unique=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("procedure")
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure version"),
    )
    receiving_unit = models.ForeignKey(
        "organization.Unit",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving unit"),
    )
    competent_unit = models.ForeignKey(
        "organization.Unit",
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
        verbose_name=_("competent unit"),
    )
    current_unit = models.ForeignKey(
        "organization.Unit",
        on_delete=models.PROTECT,
        related_name="current_dossiers",
        verbose_name=_("current unit"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
        verbose_name=_("assignee"),
    )
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    current_step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel)
    status = models.PositiveSmallIntegerField(_("status"), choices=Status, default=Status.REGISTERED)

    # Applicant (người nộp) and dossier owner (chủ hồ sơ).
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=16, choices=ApplicantKind, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    owner_name = models.CharField(_("dossier owner"), max_length=255, blank=True)
    owner_address = models.CharField(_("owner's address"), max_length=500, blank=True)
    # Filled from the national population database (MaCSDL, QĐ 766 indicator 4.5).
    from_population_db = models.BooleanField(_("from the population database"), default=False)
    # TaiKhoanDuocXacThucVoiVNeID (QĐ 766 4.5): set once, at online submission, when the citizen's
    # account is one VNeID vouched for (ND 69/2024 Điều 9); desk dossiers have no account to vouch.
    submitted_with_vneid = models.BooleanField(_("submitted with VNeID"), default=False)
    # The entry of the receiving unit's tracking book (Mẫu 07): numbered from 1 each year (local
    # time), given with the receipt, never changed (TT 01/2018/TT-VPCP; dossiers.tracking_book).
    book_year = models.PositiveSmallIntegerField(_("tracking book year"), null=True, blank=True)
    book_number = models.PositiveIntegerField(_("tracking book number"), null=True, blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("citizen account"),
    )
    subject = models.CharField(_("requested matter"), max_length=500, blank=True)
    # Folded code, applicant and owner (egov.core.text.fold): the queue's accent-insensitive search.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    # The legal SLA clock (egov.dossiers.deadlines).
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment time"), null=True, blank=True)
    forward_due_at = models.DateTimeField(_("forwarding due"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("paused minutes"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    resolved_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=16, choices=ResultOutcome, blank=True)
    result_document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("result document"),
    )
    # A result issued on paper only (e.g. a certificate printed on security paper): what it is and
    # its number, recorded at the desk so the return is never of nothing (ND 61/2018 Điều 20).
    paper_result = models.CharField(_("paper result"), max_length=255, blank=True)
    return_method = models.CharField(_("return method"), max_length=16, choices=ReturnMethod, blank=True)
    postal_carrier = models.CharField(_("postal carrier"), max_length=100, blank=True)
    postal_tracking = models.CharField(_("postal tracking number"), max_length=100, blank=True)

    # More than one supplement request, or one asked too late, counts as late (QĐ 766, 2.1).
    counts_as_late = models.BooleanField(_("counts as late"), default=False)
    # The desk form's one-time key: a double-clicked "accept" makes one dossier, not two.
    submission_key = models.CharField(_("submission key"), max_length=64, null=True, blank=True, unique=True)

    fee_amount = models.PositiveBigIntegerField(_("fee amount"), default=0)
    fee_paid_at = models.DateTimeField(_("fee paid at"), null=True, blank=True)
    fee_payment_method = models.CharField(
        _("fee payment method"), max_length=16, blank=True
    )  # direct | postal | online
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["current_unit", "status", "due_at"], name="dossier_queue_idx"),
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_received_idx"),
            models.Index(fields=["assignee", "status"], name="dossier_assignee_idx"),
            models.Index(fields=["due_at"], condition=Q(closed_at__isnull=True), name="dossier_open_due_idx"),
            models.Index(finished_or_never(), name="dossier_finished_idx"),
        ]
        constraints = [
            # One entry per number of a desk's book and year: a second would be a gap elsewhere.
            models.UniqueConstraint(
                fields=["receiving_unit", "book_year", "book_number"], name="dossier_book_number"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("dossiers:detail", args=[self.code])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class DossierCodeCounter(models.Model):
    """The last sequence number given out by a receiving unit on a day (gapless, per TT 01/2018 Điều 19)."""

    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dossier code counter")
        verbose_name_plural = _("dossier code counters")
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="dossier_counter_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


class TrackingBookYear(models.Model):
    """A desk's tracking book for one year: the last number given and whether the year is closed.

    The counter row of dossiers.tracking_book, taken like DossierCodeCounter (codes.next_number):
    paper books are numbered continuously from 1 each year and locked at year end (checklist 29).
    """

    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tracking book year")
        verbose_name_plural = _("tracking book years")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="tracking_book_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.last}"


class DossierEvent(models.Model):
    """One thing that happened to a dossier: the timeline and the control slip (Mẫu 06) are these rows."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", verbose_name=_("dossier")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=32)
    from_status = models.PositiveSmallIntegerField(_("from status"), choices=Status, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(_("to status"), choices=Status, null=True, blank=True)
    from_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from unit"),
    )
    to_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to unit"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to person"),
    )
    step = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "pk"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {display.moment(self.at)}"


class DossierComponent(models.Model):
    """A paper of the dossier, with its file and the national flags (QĐ 766 group 4)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="components")
    catalogue_component = models.ForeignKey(
        "procedures.Component", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    name = models.TextField()
    is_required = models.BooleanField(default=True)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The version of the document the dossier holds: the one current when the paper was attached
    # (received at the desk, submitted online, supplied). A later version of the document, whoever
    # uploads it, does not change what the dossier holds (services.papers); it is recorded on the
    # timeline, and only an explicit re-pin by those who handle the dossier moves this.
    document_version = models.ForeignKey(
        "documents.DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_digitised = models.BooleanField(default=False)  # DuocSoHoa
    is_reused = models.BooleanField(default=False)  # HoSoCoThanhPhanSoHoa
    from_citizen_store = models.BooleanField(default=False)  # DuocLayTuKhoDMQG
    # TT 03/2025 Điều 5 khoản 2: no scan needed (submitted online, shown only, inter-agency result, secret).
    exemption = models.CharField(max_length=32, blank=True)
    # The original paper the desk took for comparison or keeping, and its return to the applicant
    # (ND 61/2018 Điều 20: originals taken for comparison are returned with the result).
    original_received_at = models.DateTimeField(_("original taken"), null=True, blank=True)
    original_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original_returned_at = models.DateTimeField(_("original returned"), null=True, blank=True)
    original_returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original_returned_to = models.CharField(_("original returned to"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("dossier paper")
        verbose_name_plural = _("dossier papers")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="dossier_component_position"),
            # A paper with a file always names the version it holds (and one without, none).
            models.CheckConstraint(
                condition=Q(document__isnull=True, document_version__isnull=True)
                | Q(document__isnull=False, document_version__isnull=False),
                name="dossier_component_pinned",
            ),
            # An original is returned only after it was taken.
            models.CheckConstraint(
                condition=Q(original_returned_at__isnull=True) | Q(original_received_at__isnull=False),
                name="dossier_component_original_taken_first",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DossierFee(models.Model):
    """A fee line charged on a dossier: the rate that applies, what is always added, each extra unit.

    Written once when the dossier is created, from the catalogue's lines and the choice of the desk
    or the citizen (or what the e-form decides), by egov.procedures.fees.charge; `Dossier.fee_amount`
    is their sum. The description and unit amount are copied, so the receipt reads as charged.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="fee_lines")
    fee = models.ForeignKey("procedures.Fee", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=500)
    unit_amount = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField(default=1)
    amount = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("dossier fee line")
        verbose_name_plural = _("dossier fee lines")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="dossier_fee_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="dossier_fee_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


class Consultation(models.Model):
    """Asking another unit's opinion during processing (ND 61/2018 Điều 19 khoản 5–6).

    Sequential consultations pass the dossier from unit to unit with a hand-over slip (Phiếu
    chuyển xử lý) and a deadline per hop; parallel ones go to every unit at once, one of them
    leading.
    """

    class Mode(models.TextChoices):
        SEQUENTIAL = "sequential", _("One after another")
        PARALLEL = "parallel", _("All at once")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="consultations")
    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="consultations")
    mode = models.CharField(max_length=16, choices=Mode)
    order = models.PositiveSmallIntegerField(default=1)
    is_lead = models.BooleanField(default=False)
    content = models.TextField(_("what is asked"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # Sequential hops start when the previous one answers; parallel ones at once.
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)
    working_hours = models.DecimalField(max_digits=6, decimal_places=2, default=8)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["dossier", "order", "pk"]
        indexes = [models.Index(fields=["unit", "answered_at"], name="consultation_unit_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.unit_id}"


class Notification(models.Model):
    """A message to the applicant, written in the same transaction as the change it reports.

    The outbox worker (`manage.py run_outbox`) sends pending rows; a crash loses nothing.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("dossier")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    recipient = models.CharField(_("recipient"), max_length=255)
    subject = models.CharField(_("message subject"), max_length=255, blank=True)
    body = models.TextField(
        _("message text"),
    )
    state = models.CharField(_("delivery state"), max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # Retried until then (empty: created_at + EGOV_OUTBOX_RETRY_HOURS); an administrator's retry moves it.
    retry_until = models.DateTimeField(_("retry until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider message ID"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="pending"), name="notification_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.state})"

    @property
    def error_summary(self) -> str:
        """What an officer reads about the last failure (the technical detail stays for admins)."""
        return failure_message(self.error) if self.error else ""


class PortalSync(models.Model):
    """One status change to push to the national public-service portal, at least once, in order."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        REJECTED = "rejected", _("Rejected")
        # Unreachable for the whole retry window; the dossier's later changes wait behind it.
        FAILED = "failed", _("Gave up")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="portal_syncs", verbose_name=_("dossier")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    payload = models.JSONField(
        _("payload"),
    )
    state = models.CharField(_("delivery state"), max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    retry_until = models.DateTimeField(_("retry until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("portal sync")
        verbose_name_plural = _("portal syncs")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="portal_sync_due_idx")
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class Payment(models.Model):
    """One attempt to pay a dossier's fees online through the payment gateway.

    ND 61/2018 Điều 22 and ND 118/2025 Điều 24: fees may be paid online through the one-stop
    system's payment function; the receipt travels with the dossier. The amount is the dossier's
    `fee_amount`, taken from the catalogue's fees when it was received.
    """

    class State(models.TextChoices):
        CREATED = "created", _("Waiting for the gateway")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payments", verbose_name=_("dossier")
    )
    order_id = models.CharField(_("order"), max_length=64, unique=True)  # <dossier code>-<n>
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(_("status"), max_length=16, choices=State, default=State.CREATED)
    transaction_no = models.CharField(_("gateway transaction"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(
        _("expires at"),
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # The fee was already settled (at the desk, or by another order) when this one was paid: refund it.
    refund_due = models.BooleanField(_("refund due"), default=False)
    receipt_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receipt issued by"),
    )
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    raw_callback = models.JSONField(_("gateway callback"), default=dict, blank=True)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        ordering = ["dossier", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_unit", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="payment_receipt_number",
            )
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="created"), name="payment_open_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} ({self.status})"


class PaymentReceiptCounter(models.Model):
    """The last receipt number a receiving unit gave out in a year (gapless, like dossier codes)."""

    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt number counter")
        verbose_name_plural = _("receipt number counters")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="payment_receipt_counter")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.last}"


class Draft(models.Model):
    """A dossier a citizen is preparing online: the e-form's values and uploads, kept between visits.

    ND 45/2020/NĐ-CP Điều 11: the citizen fills the e-form and attaches electronic papers; data the
    State already holds is taken from its databases, not asked for (`prefilled` names those fields).
    """

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossier_drafts"
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving unit"),
    )
    # Field name → value as typed (text; "on" for a ticked box), saved even when not yet valid.
    data = models.JSONField(default=dict, blank=True)
    # Fields filled from the population database or the verified account: shown read-only.
    prefilled = models.JSONField(default=list, blank=True)
    # The fee lines the citizen picked ({"alternative": <Fee pk>, "quantities": {<Fee pk>: n}}).
    fees = models.JSONField(default=dict, blank=True)
    # The population database could not be reached when the draft was opened: the citizen is told
    # to type the data (and the desk will check it), instead of finding the form silently empty.
    population_unreachable = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )

    class Meta:
        verbose_name = _("online draft")
        verbose_name_plural = _("online drafts")
        indexes = [models.Index(fields=["citizen", "updated_at"], name="draft_citizen_idx")]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.procedure_version_id} ({self.pk})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_dossier_id is not None


class DraftAttachment(models.Model):
    """A paper uploaded for one catalogue component of a draft; it stays with the draft."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="attachments")
    catalogue_component = models.ForeignKey(
        "procedures.Component", on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    # Chosen from the citizen's data store (ND 45/2020 Điều 16), not uploaded again.
    from_store = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("draft attachment")
        verbose_name_plural = _("draft attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "catalogue_component"], name="draft_attachment_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} · {self.catalogue_component_id}"


class SealedNotice(models.Model):
    """A receipt or notice (Mẫu 01–05) as sent electronically to the applicant, with the unit's seal.

    TT 01/2018/TT-VPCP Điều 10: what reaches the applicant electronically carries the agency's
    digital signature. Sealed once per form and dossier state (`state`: the last event when it
    was made), so the applicant gets the same bytes every time until the dossier changes.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="sealed_notices")
    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    form = models.CharField(max_length=4)
    edition = models.CharField(max_length=4)
    state = models.PositiveBigIntegerField()
    file = models.FileField(upload_to="notices/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64)
    certificate_serial = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sealed notice")
        verbose_name_plural = _("sealed notices")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "form", "edition", "state"], name="sealed_notice_once_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} Mẫu {self.form} ({self.state})"
