import datetime as dt
from decimal import Decimal
from typing import Optional, Self

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.organization.models import Role, Unit


class Sector(models.Model):
    """A field of administration (lĩnh vực), e.g. Hộ tịch, Đất đai."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PublicationDecision(models.Model):
    """A decision publishing procedures (quyết định công bố TTHC): new, amended, replaced, abolished."""

    number = models.CharField(_("number"), max_length=64, unique=True)
    signed_on = models.DateField(_("signed on"))
    effective_from = models.DateField(_("effective from"))
    issuer = models.CharField(_("issued by"), max_length=150)
    title = models.CharField(_("title"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication decision")
        verbose_name_plural = _("publication decisions")
        ordering = ["-signed_on", "number"]

    def __str__(self) -> str:
        return self.number


class Procedure(models.Model):
    """The stable identity of a procedure: its national code (mã TTHC, CSDLQG về TTHC).

    Everything that a publication decision can change lives on ProcedureVersion; permissions and
    statistics hang on the procedure, never on a version (the Open Zaak lesson).
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    # The latest version published (set on import). Which version applies on a day is decided by
    # its decision's effective date: `version_in_force` (ND 63/2010 Điều 15; checklist 20).
    current_version = models.OneToOneField(
        "ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current version"),
    )
    is_abolished = models.BooleanField(_("abolished"), default=False)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("portal:procedure_detail", args=[self.code])

    @property
    def is_in_force(self) -> bool:
        return not self.is_abolished and self.replaced_by_id is None

    def version_in_force(self, on: dt.date | None = None) -> Optional["ProcedureVersion"]:
        """The version that applies on `on` (today in Vietnam), None if none applies yet or any more."""
        version = ProcedureVersion.objects.filter(procedure=self).first_in_force(on)
        if version is not None:
            version.procedure = self  # its callers read the procedure: no second fetch
        return version

    def version_shown_id(self, on: dt.date | None = None) -> int | None:
        """What the public reads: the version in force, else the latest (abolished, or not yet in force)."""
        version = self.version_in_force(on)
        return version.pk if version is not None else self.current_version_id


class ProcedureVersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def in_force(self, on: dt.date | None = None) -> Self:
        """For each procedure still in force, the version that applies on `on` (today in Vietnam).

        A version applies from its publication decision's effective date, not from its import
        (ND 63/2010/NĐ-CP Điều 15; vn-standards.md checklist 20): the latest version whose
        decision is effective by then. Before that day the previous version still applies.
        """
        day = on or timezone.localdate()
        newer = ProcedureVersion.objects.filter(
            procedure=OuterRef("procedure"), number__gt=OuterRef("number"), decision__effective_from__lte=day
        )
        return self.filter(
            decision__effective_from__lte=day,
            procedure__is_abolished=False,
            procedure__replaced_by__isnull=True,
        ).exclude(Exists(newer))

    def first_in_force(self, on: dt.date | None = None) -> Optional["ProcedureVersion"]:
        """The first of these versions in force on `on`, known to be so: `is_in_force_on(on)`
        then needs no second query."""
        day = on or timezone.localdate()
        version = self.in_force(day).first()
        if version is not None:
            version.known_in_force_on = day
        return version


class ProcedureVersion(models.Model):
    """What a procedure required under one publication decision. Never edited once published.

    A dossier stores the version it was received under, so a later decision never moves an old
    dossier's deadline (DESIGN.md; vn-standards checklist item 20).
    """

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        WORKING_HOURS = "working_hours", _("working hours")
        CALENDAR_DAYS = "calendar_days", _("calendar days")

    class OnlineLevel(models.TextChoices):
        # ND 42/2022 Điều 11 (amended by ND 118/2025): một phần / toàn trình.
        INFO = "info", _("Information only")
        PARTIAL = "partial", _("Partly online")
        FULL = "full", _("Fully online")

    class Change(models.TextChoices):
        NEW = "new", _("New")
        AMENDED = "amended", _("Amended")
        REPLACED = "replaced", _("Replacing another")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    decision = models.ForeignKey(
        PublicationDecision,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("decision"),
    )
    change = models.CharField(_("change"), max_length=16, choices=Change)
    name = models.CharField(_("name"), max_length=500)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="versions", verbose_name=_("sector")
    )
    levels = models.JSONField(_("implementing levels"), default=list)
    competent_authority = models.CharField(_("competent authority"), max_length=255)
    # The one agency that decides (a Sở, UBND tỉnh). Null when every commune decides for itself:
    # then the competent unit is the commune where the dossier is filed.
    competent_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competent_for",
        verbose_name=_("competent unit"),
    )
    applicant_types = models.JSONField(_("applicant types"), default=list)
    time_limit_value = models.DecimalField(_("time limit"), max_digits=6, decimal_places=2)
    time_limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=TimeUnit)
    # The hour after which a dossier received at the desk is forwarded the next working morning;
    # empty means 15:00 (ND 61/2018 Điều 18). A province may set an earlier one for a procedure
    # whose processing unit is far away (vn-standards.md checklist item 53).
    forward_cutoff = models.TimeField(_("forwarding cut-off"), null=True, blank=True)
    legal_basis = models.TextField(_("legal basis"))
    result = models.TextField(_("result"))
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    online_level = models.CharField(_("online service level"), max_length=8, choices=OnlineLevel)
    where_to_submit = models.TextField(_("where to submit"))
    # The e-form (tờ khai điện tử) a citizen fills online: {"fields": [...]}, see
    # docs/howto/catalogue-format.md. Empty: the default applicant block and free request text.
    form_schema = models.JSONField(_("e-form"), default=dict, blank=True)
    # Folded name, code and sector (egov.core.text.fold) for accent-insensitive search.
    search_text = models.TextField(_("search text"), editable=False)

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique"),
            models.CheckConstraint(condition=Q(time_limit_value__gt=0), name="time_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} — {self.name}"

    # The day `Procedure.version_in_force` found this version in force, if it did (not stored).
    known_in_force_on: dt.date | None = None

    def is_in_force_on(self, day: dt.date | None = None) -> bool:
        """Whether this is the version that applies on `day` (today): a dossier is received under it."""
        day = day or timezone.localdate()
        if self.known_in_force_on == day:
            return True
        return ProcedureVersion.objects.in_force(day).filter(pk=self.pk).exists()

    @property
    def time_limit_hours(self) -> Decimal | None:
        """The time limit in working hours (1 working day = 8 hours), None for calendar days."""
        if self.time_limit_unit == self.TimeUnit.WORKING_DAYS:
            return self.time_limit_value * 8
        if self.time_limit_unit == self.TimeUnit.WORKING_HOURS:
            return self.time_limit_value
        return None


class Component(models.Model):
    """A paper the applicant supplies (thành phần hồ sơ) with how many of each kind of copy."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="components",
        verbose_name=_("procedure version"),
    )
    position = models.PositiveSmallIntegerField(
        _("order"),
    )
    name = models.TextField(_("name"))
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("certified copies"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    form = models.CharField(_("form template"), max_length=150, blank=True)
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="component_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) in whole VND, and how it combines with the version's other lines.

    A catalogue lists fee lines that are not a sum: a standard rate and a reduced rate are
    alternatives (exactly one applies), a charge per extra copy is multiplied by a quantity, and a
    second charge (a publication fee beside the registration fee) is added to whatever applies.
    egov.procedures.fees computes what a dossier owes from the lines chosen.
    """

    class Kind(models.TextChoices):
        ALTERNATIVE = "alternative", _("One of the rates (exactly one applies)")
        PER_UNIT = "per_unit", _("Per unit (times a quantity)")
        FIXED = "fixed", _("Always added")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="fees", verbose_name=_("procedure version")
    )
    position = models.PositiveSmallIntegerField(
        _("order"),
    )
    description = models.CharField(_("description"), max_length=500)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.ALTERNATIVE)
    # Per unit only: the units always charged (1 for "per copy", 0 for "from the third copy on").
    min_quantity = models.PositiveSmallIntegerField(_("at least (units)"), default=0)
    # The e-form decides: an alternative applies when `form_field` equals `form_value`; a per-unit
    # line's quantity is the number in `form_field`. Empty: the desk or the citizen picks.
    form_field = models.CharField(_("e-form field"), max_length=40, blank=True)
    form_value = models.CharField(_("e-form value"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="per_unit") | Q(min_quantity=0), name="fee_min_quantity_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(kind="alternative") | Q(form_value=""), name="fee_form_value_alternative"
            ),
        ]

    def __str__(self) -> str:
        amount = f"{self.amount:,}".replace(",", ".")
        return f"{self.description}: {amount} đ"

    @property
    def is_alternative(self) -> bool:
        return self.kind == self.Kind.ALTERNATIVE

    @property
    def is_per_unit(self) -> bool:
        return self.kind == self.Kind.PER_UNIT

    @property
    def is_fixed(self) -> bool:
        return self.kind == self.Kind.FIXED


class ProcessStep(models.Model):
    """One step of the internal process (quy trình nội bộ): who does what, where, in how many hours."""

    class Output(models.TextChoices):
        # What must exist before the step can be completed (ND 61/2018 Điều 19 khoản 4, 7: the
        # result is drafted, then signed by the competent person, before it goes back to the desk).
        NONE = "", _("Nothing")
        RESULT = "result", _("The result document")
        SIGNATURE = "signature", _("The competent person's signature on the result")

    class Performer(models.TextChoices):
        # Where the step is done; the one-stop core routes a dossier's steps by this.
        RECEIVING = "receiving", _("The one-stop desk that received the dossier")
        COMPETENT = "competent", _("The competent unit")
        UNIT = "unit", _("A named unit")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("procedure version")
    )
    position = models.PositiveSmallIntegerField(
        _("order"),
    )
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=32, choices=Role)
    performer = models.CharField(_("performed by"), max_length=16, choices=Performer)
    # Only for Performer.UNIT, e.g. an agency consulted during the process.
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    hours = models.DecimalField(_("working hours"), max_digits=7, decimal_places=2)
    output = models.CharField(_("must produce"), max_length=16, choices=Output, blank=True, default="")

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="step_hours_positive"),
            models.CheckConstraint(
                condition=(Q(performer="unit") & Q(unit__isnull=False))
                | (~Q(performer="unit") & Q(unit__isnull=True)),
                name="step_unit_iff_performer_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def default_step_outputs(roles: list[str]) -> list[str]:
    """What each step of a process must produce, from the steps' roles in order.

    The leader's step signs the result (the last leader step when there are several); the step
    before it drafts the result. Without a leader step, the last step before the return at the desk
    produces the result. Steps of the receiving desk produce nothing.
    """
    outputs = [""] * len(roles)
    working = [n for n, role in enumerate(roles) if role != Role.DESK_OFFICER]
    if not working:
        return outputs
    leaders = [n for n in working if roles[n] == Role.LEADER]
    if leaders:
        signing = leaders[-1]
        outputs[signing] = ProcessStep.Output.SIGNATURE
        drafting = [n for n in working if n < signing]
        outputs[drafting[-1] if drafting else signing] = (
            ProcessStep.Output.RESULT if drafting else ProcessStep.Output.SIGNATURE
        )
    else:
        outputs[working[-1]] = ProcessStep.Output.RESULT
    return outputs
