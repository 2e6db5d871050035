"""Dossier codes: `<agency identifier>-YYMMDD-<sequence>`, gapless per receiving unit per day.

TT 01/2018/TT-VPCP Điều 19 and TT 03/2025/TT-VPCP Điều 13: the identifier of the receiving
authority, the receipt date, and the sequence of the day with at least 4 digits. The number is
taken inside the transaction that creates the dossier: if that transaction rolls back, so does
the counter, so a day's numbers have no gaps; the counter row lock serialises one unit's
receipts, never other units'.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from egov.organization.models import Unit

MIN_SEQUENCE_DIGITS = 4


def next_sequence(unit: Unit, day: dt.date) -> int:
    """Take the next number of the unit's day. Call inside the dossier's transaction."""
    # One statement on both databases (PostgreSQL ≥ 9.5, SQLite ≥ 3.35): insert the day's first
    # number or bump the existing row, and read the result while holding its lock.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO dossiers_dossiercodecounter (unit_id, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (unit_id, day) DO UPDATE SET last = dossiers_dossiercodecounter.last + 1 "
            "RETURNING last",
            [unit.pk, day],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def format_code(identifier: str, day: dt.date, sequence: int) -> str:
    return f"{identifier}-{day:%y%m%d}-{sequence:0{MIN_SEQUENCE_DIGITS}d}"


def allocate_code(unit: Unit, received_at: dt.datetime) -> str:
    """The code for a dossier received now at `unit` (the receipt date is Vietnam's local date)."""
    day = timezone.localdate(received_at)
    return format_code(unit.identifier, day, next_sequence(unit, day))
