"""Dossier codes are unique and gapless per receiving unit per day, also under concurrency."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction

from egov.dossiers.codes import allocate_code, format_code
from egov.dossiers.models import DossierCodeCounter

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_format_has_identifier_date_and_four_digits():
    assert format_code("H51.60", dt.date(2026, 4, 29), 7) == "H51.60-260429-0007"
    assert format_code("H51.60", dt.date(2026, 4, 29), 12345) == "H51.60-260429-12345"


def test_sequence_restarts_each_day_and_is_per_unit(province):
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
    with transaction.atomic():
        codes = [allocate_code(province.commune, monday) for _ in range(3)]
        other = allocate_code(province.other_commune, monday)
        next_day = allocate_code(province.commune, monday + dt.timedelta(days=1))

    assert codes == ["H51.60-260302-0001", "H51.60-260302-0002", "H51.60-260302-0003"]
    assert other == "H51.61-260302-0001"
    assert next_day == "H51.60-260303-0001"


def test_receipt_date_is_the_local_date(province):
    # 23:30 UTC on 1 March is 06:30 on 2 March in Vietnam.
    late_utc = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)

    assert allocate_code(province.commune, late_utc).startswith("H51.60-260302-")


def test_a_rolled_back_receipt_gives_its_number_back(province):
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)

    def receive_and_fail() -> None:
        with transaction.atomic():
            allocate_code(province.commune, moment)
            raise RuntimeError("the dossier could not be saved")

    with pytest.raises(RuntimeError):
        receive_and_fail()

    assert allocate_code(province.commune, moment) == "H51.60-260302-0001"


@pytest.mark.django_db(transaction=True)
def test_two_hundred_parallel_receipts_get_distinct_gapless_codes(province):
    # 200 receipts from 48 connections at once (the server allows 100 connections in all);
    # SQLite serialises writers itself, so fewer threads prove the same there.
    workers = 48 if connection.vendor == "postgresql" else 8
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
    start = threading.Barrier(workers)

    def receive(index: int) -> str:
        try:
            if index < workers:
                start.wait(timeout=30)
            with transaction.atomic():
                return allocate_code(province.commune, moment)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        codes = list(pool.map(receive, range(200)))

    assert sorted(codes) == [f"H51.60-260302-{n:04d}" for n in range(1, 201)]
    assert DossierCodeCounter.objects.get(unit=province.commune).last == 200
