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
