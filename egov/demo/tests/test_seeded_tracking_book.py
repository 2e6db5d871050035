"""The seeded demo's tracking books (Mẫu 07) number their rows in the order dossiers were received.

TT 01/2018/TT-VPCP Điều 9 (checklist 29): one book per desk per year, numbered continuously in
order of receipt. The walk of the demo found row 01 received on 04/11 and row 22 on 02/11: the
seeding received its dossiers in random order, and numbers are given at receipt.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from egov.demo.seed import seed_demo
from egov.dossiers.models import Dossier

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def books() -> dict[tuple[int, int], list[Dossier]]:
    rows: dict[tuple[int, int], list[Dossier]] = {}
    for dossier in Dossier.objects.filter(book_number__isnull=False).order_by("book_number"):
        assert dossier.book_year is not None
        rows.setdefault((dossier.receiving_unit_id, dossier.book_year), []).append(dossier)
    return rows


@pytest.mark.parametrize(
    "today",
    [
        dt.datetime(2026, 12, 8, 10, 0, tzinfo=VN),
        # Early January: the seeded weeks cross the year, whose first entry closes the old book.
        dt.datetime(2027, 1, 12, 10, 0, tzinfo=VN),
    ],
)
def test_each_book_numbers_its_rows_in_receipt_order(today):
    with time_machine.travel(today, tick=False):
        seed_demo()

    seeded = books()
    assert seeded
    for rows in seeded.values():
        assert [d.book_number for d in rows] == list(range(1, len(rows) + 1))
        received = [d.received_at for d in rows if d.received_at is not None]
        assert len(received) == len(rows)
        assert received == sorted(received), [(d.book_number, d.code) for d in rows]
        codes_of_a_day = [d.code for d in rows]
        assert codes_of_a_day == sorted(codes_of_a_day)  # H51.x-YYMMDD-NNNN: by day, then by number
