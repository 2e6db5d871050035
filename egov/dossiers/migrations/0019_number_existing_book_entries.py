"""Existing received dossiers get their tracking book numbers (checklist 29).

Until now the book was derived: its STT was the row's position in whatever period was printed.
Each received dossier is numbered by receipt time (then code) within its receiving unit and the
year of its local receipt date in Vietnam, from 1; each unit-year gets its counter row, and years
before the current one (or before the unit's latest year) are closed, as they would have been by
their next year's first entry.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH = 1000


def forwards(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    TrackingBookYear = apps.get_model("dossiers", "TrackingBookYear")
    now = dt.datetime.now(dt.UTC)
    this_year = now.astimezone(VIETNAM).year
    last: dict[tuple[int, int], int] = {}
    pending = []
    rows = (
        Dossier.objects.filter(received_at__isnull=False)
        .order_by("receiving_unit_id", "received_at", "code")
        .values_list("pk", "receiving_unit_id", "received_at")
    )
    for pk, unit_id, received_at in rows.iterator(chunk_size=BATCH):
        key = (unit_id, received_at.astimezone(VIETNAM).year)
        last[key] = last.get(key, 0) + 1
        pending.append(Dossier(pk=pk, book_year=key[1], book_number=last[key]))
        if len(pending) >= BATCH:
            Dossier.objects.bulk_update(pending, ["book_year", "book_number"])
            pending = []
    Dossier.objects.bulk_update(pending, ["book_year", "book_number"])
    latest: dict[int, int] = {}
    for unit_id, year in last:
        latest[unit_id] = max(year, latest.get(unit_id, year))
    TrackingBookYear.objects.bulk_create(
        TrackingBookYear(
            unit_id=unit_id,
            year=year,
            last=number,
            closed_at=now if year < max(this_year, latest[unit_id]) else None,
        )
        for (unit_id, year), number in last.items()
    )


def backwards(apps, schema_editor):
    apps.get_model("dossiers", "TrackingBookYear").objects.all().delete()
    apps.get_model("dossiers", "Dossier").objects.update(book_year=None, book_number=None)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0018_tracking_book_numbers")]

    operations = [migrations.RunPython(forwards, backwards)]
