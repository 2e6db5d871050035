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


def next_number(
    table: str, key_column: str, unit: Unit, key: dt.date | int, *, unless: str = ""
) -> int | None:
    """Take the next number of a counter row (unit, key) of `table`; call inside the row's transaction.

    One statement on both databases (PostgreSQL ≥ 9.5, SQLite ≥ 3.35): insert the first number or
    bump the existing row, and read the result while holding its lock until the transaction ends.
    `unless` is a condition on the existing row that refuses the bump: then None (e.g. a closed
    tracking book year). `table`, `key_column` and `unless` are this package's constants, never input.
    """
    refuse = f" WHERE NOT ({unless})" if unless else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, {key_column}, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (unit_id, {key_column}) DO UPDATE SET last = {table}.last + 1{refuse} "
            "RETURNING last",
            [unit.pk, key],
        )
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def next_sequence(unit: Unit, day: dt.date) -> int:
    """Take the next number of the unit's day. Call inside the dossier's transaction."""
    number = next_number("dossiers_dossiercodecounter", "day", unit, day)
    assert number is not None
    return number


def format_code(identifier: str, day: dt.date, sequence: int) -> str:
    return f"{identifier}-{day:%y%m%d}-{sequence:0{MIN_SEQUENCE_DIGITS}d}"


def allocate_code(unit: Unit, received_at: dt.datetime) -> str:
    """The code for a dossier received now at `unit` (the receipt date is Vietnam's local date)."""
    day = timezone.localdate(received_at)
    return format_code(unit.identifier, day, next_sequence(unit, day))
