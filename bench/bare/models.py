from django.db import models
from django.utils import timezone


class Record(models.Model):
    """A row shaped like a small dossier header: a unique code, a name, a unit and two times."""

    code = models.CharField(max_length=48, unique=True)
    name = models.CharField(max_length=255)
    unit = models.CharField(max_length=64, db_index=True)
    status = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True)

    class Meta:
        app_label = "bare"

    def __str__(self) -> str:
        return self.code


# --- The floor of a desk receipt: the same rows egov writes, with none of its logic ---------------


class DayCounter(models.Model):  # noqa: DJ008 - bench table, never displayed
    """A gapless per-unit, per-day number, like egov's dossier code counter."""

    unit = models.CharField(max_length=64)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "bare"
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="bare_daycounter_unique")]


class Paper(models.Model):  # noqa: DJ008 - bench table, never displayed
    record = models.ForeignKey(Record, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=500)

    class Meta:
        app_label = "bare"


class Event(models.Model):  # noqa: DJ008 - bench table, never displayed
    record = models.ForeignKey(Record, on_delete=models.CASCADE)
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict)

    class Meta:
        app_label = "bare"


class ChainHead(models.Model):  # noqa: DJ008 - bench table, never displayed
    chain = models.PositiveSmallIntegerField(unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        app_label = "bare"


class ChainEntry(models.Model):  # noqa: DJ008 - bench table, never displayed
    chain = models.PositiveSmallIntegerField()
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    action = models.CharField(max_length=60)
    after = models.JSONField(null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        app_label = "bare"
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="bare_chainentry_unique")]


class Outbox(models.Model):  # noqa: DJ008 - bench table, never displayed
    record = models.ForeignKey(Record, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    payload = models.JSONField()
    state = models.PositiveSmallIntegerField(default=1)

    class Meta:
        app_label = "bare"
