import datetime as dt
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.organization.identifiers import validate_agency_identifier


class UnitLevel(models.Model):
    """A level of the unit tree, configured per deployment (tỉnh, sở, xã/phường, …).

    Depth is not fixed: since 1/7/2025 local government has two tiers (province → commune),
    but historic data keeps its district (huyện) level (Luật Tổ chức chính quyền địa phương 2025).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    parent_levels = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="child_levels",
        verbose_name=_("may sit under"),
    )
    is_historic = models.BooleanField(_("historic only"), default=False)

    class Meta:
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> Self:
        """Units that exist today (not dissolved or merged away)."""
        return self.filter(dissolved_on__isnull=True)

    def subtree_of(self, units: "list[Unit]") -> Self:
        """The given units and everything below them."""
        if not units:
            return self.none()
        condition = Q()
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)


class Unit(models.Model):
    """An agency or administrative unit: the province, a Sở, the service centre, a commune…

    `path` is the materialised chain of ids from the root ("/1/7/42/"), so a subtree is one
    indexed prefix query; only organization.services writes it.
    """

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    identifier = models.CharField(
        _("agency identifier"),
        max_length=35,
        unique=True,
        validators=[validate_agency_identifier],
        help_text=_("Mã định danh điện tử per QĐ 20/2020/QĐ-TTg, e.g. H15.50.05"),
    )
    level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, related_name="units", verbose_name=_("level")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    path = models.CharField(_("tree path"), max_length=255, db_index=True, editable=False)
    # Official code of the administrative division (2025 list), for communes and the province.
    division_code = models.CharField(_("division code"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    receives_dossiers = models.BooleanField(
        _("has a one-stop desk"),
        default=False,
        help_text=_("Bộ phận Một cửa / Trung tâm Phục vụ hành chính công"),
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    # Cited first on the results the unit issues (its founding decision, or the law on local
    # government for a people's committee, which egov.organization.naming supplies when empty).
    competence_basis = models.CharField(
        _("basis of competence"),
        max_length=500,
        blank=True,
        help_text=_("e.g. Quyết định số 12/QĐ-UBND ngày 01/07/2025 quy định chức năng, nhiệm vụ của Sở"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Role(models.TextChoices):
    """What a member may do in a unit and, by inheritance, in its subtree."""

    DESK_OFFICER = "desk_officer", _("One-stop desk officer")
    SPECIALIST = "specialist", _("Specialist")
    HEAD_OF_DEPARTMENT = "head_of_department", _("Head of department")
    LEADER = "leader", _("Leader")
    CLERK = "clerk", _("Clerk")
    MEETING_SECRETARY = "meeting_secretary", _("Meeting secretary")
    ADMINISTRATOR = "administrator", _("Administrator")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> Self:
        """Memberships in force today."""
        today = timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)


class Membership(models.Model):
    """A user holds a role in a unit (a position: chức vụ) for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role)
    position_title = models.CharField(
        _("position"), max_length=100, blank=True, help_text=_("e.g. Phó Giám đốc, Chuyên viên")
    )
    started_on = models.DateField(_("from"), default=dt.date(2025, 7, 1))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class CalendarOverride(models.Model):
    """A deployment's own change to the national holiday calendar for one date.

    The Prime Minister fixes Tết and National Day for civil servants each year
    (Bộ luật Lao động 2019 Điều 112 khoản 3), and provinces swap days (làm bù), so an
    administrator adds days off and make-up working days here on top of the seeded holidays.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class OfficeHours(models.Model):
    """Office hours of the deployment: two periods a day (one row).

    Default 07:00–11:30 and 13:30–17:00, 8 working hours (QĐ 188/1999/QĐ-TTg: 40-hour week for
    civil servants, Monday–Friday).
    """

    morning_start = models.TimeField(_("morning from"), default=dt.time(7, 0))
    morning_end = models.TimeField(_("morning until"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon from"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon until"), default=dt.time(17, 0))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="office_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )
