"""Checklist 29: the tracking book (Mẫu 07) is numbered from 01 per desk per year, gapless, and locked
at year end."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import translation

from egov.dossiers import printing, services, tracking_book
from egov.dossiers.models import Channel, Dossier, TrackingBookYear
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.dossiers.tests.test_printing import pdf_pages
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NEW_YEARS_EVE = dt.datetime(2026, 12, 31, 16, 0, tzinfo=VN)
# 00:30 on 1 January in Vietnam is still 31 December in UTC: the book's year is the local one.
NEW_YEAR = dt.datetime(2027, 1, 1, 0, 30, tzinfo=VN)


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.sn"),
        "admin": make_member(Role.ADMINISTRATOR, province.commune, "quantri.sn"),
        "other_desk": make_member(Role.DESK_OFFICER, province.other_commune, "motcua.vn"),
        "other_admin": make_member(Role.ADMINISTRATOR, province.other_commune, "quantri.vn"),
    }


def received(version, unit, officer, moment: dt.datetime) -> Dossier:
    with time_machine.travel(moment, tick=False):
        return receive(version, unit, officer)


def test_numbers_run_from_one_per_desk_and_restart_on_the_first_of_january(province, staff):
    version = commune_procedure()
    december = [
        received(version, province.commune, staff["desk"], NEW_YEARS_EVE + dt.timedelta(minutes=n))
        for n in range(3)
    ]
    elsewhere = received(version, province.other_commune, staff["other_desk"], NEW_YEARS_EVE)
    january = received(version, province.commune, staff["desk"], NEW_YEAR)
    assert NEW_YEAR.astimezone(dt.UTC).year == 2026

    assert [(d.book_year, d.book_number) for d in december] == [(2026, 1), (2026, 2), (2026, 3)]
    assert (elsewhere.book_year, elsewhere.book_number) == (2026, 1)
    assert (january.book_year, january.book_number) == (2027, 1)
    # The first entry of 2027 closed the desk's 2026 book, not the other desk's.
    closed = TrackingBookYear.objects.get(unit=province.commune, year=2026)
    assert (closed.last, closed.closed_at) == (3, NEW_YEAR)
    assert TrackingBookYear.objects.get(unit=province.other_commune, year=2026).closed_at is None

    # A late entry in the closed year is refused, and the receipt with it: nothing is written.
    before = Dossier.objects.count()
    with translation.override("en"), pytest.raises(ValidationError, match="2026 is closed"):
        received(version, province.commune, staff["desk"], NEW_YEARS_EVE + dt.timedelta(hours=7))
    assert Dossier.objects.count() == before
    assert TrackingBookYear.objects.get(unit=province.commune, year=2026).last == 3

    text, _sizes = pdf_pages(
        printing.render_tracking_book(province.commune, dt.date(2026, 12, 1), dt.date(2027, 1, 31))
    )
    assert "Sổ năm 2026: số 03 là số cuối – đã khóa sổ lúc 00:30 01/01/2027" in text
    assert "Sổ năm 2027: số 01 là số cuối" in text


def test_an_online_dossier_is_numbered_when_the_desk_receives_it(province, staff):
    version = commune_procedure()
    with time_machine.travel(NEW_YEARS_EVE, tick=False), transaction.atomic():
        dossier = services.create_dossier_row(
            version=version,
            receiving_unit=province.commune,
            competent_unit=province.commune,
            applicant=services.Applicant(name="Nguyễn Văn An"),
            channel=Channel.ONLINE,
            now=NEW_YEARS_EVE,
        )
    assert dossier.book_number is None  # registered, not received: not in the book yet
    with time_machine.travel(NEW_YEARS_EVE, tick=False), transaction.atomic():
        services.accept_received(dossier, by=staff["desk"], now=NEW_YEARS_EVE)
    entry = Dossier.objects.values_list("book_year", "book_number").get(pk=dossier.pk)
    assert entry == (2026, 1)


def test_an_administrator_closes_a_past_year_and_the_page_shows_the_numbers(client, province, staff):
    version = commune_procedure()
    for n in range(2):
        received(version, province.commune, staff["desk"], NEW_YEARS_EVE + dt.timedelta(minutes=n))
    url = reverse("dossiers:close_book_year")
    with time_machine.travel(NEW_YEARS_EVE + dt.timedelta(hours=2), tick=False):
        client.force_login(staff["admin"])
        still_2026 = client.post(url, {"unit": province.commune.identifier, "year": 2026}, **EN)
        assert still_2026.status_code == 302
        assert TrackingBookYear.objects.get(unit=province.commune, year=2026).closed_at is None

    with time_machine.travel(dt.datetime(2027, 1, 2, 8, 0, tzinfo=VN), tick=False):
        client.force_login(staff["desk"])
        page = client.get(reverse("dossiers:tracking_book"), **EN)
        assert page.status_code == 200
        assert "Year books" in page.text
        assert 'data-book-year="2026"' in page.text
        assert "Close this year's book" not in page.text  # the desk cannot close
        assert client.post(url, {"unit": province.commune.identifier, "year": 2026}).status_code == 403

        client.force_login(staff["other_admin"])
        assert client.post(url, {"unit": province.commune.identifier, "year": 2026}).status_code == 404

        client.force_login(staff["admin"])
        assert "Close this year's book" in client.get(reverse("dossiers:tracking_book"), **EN).text
        done = client.post(url, {"unit": province.commune.identifier, "year": 2026}, **EN)
        assert done.status_code == 302
        book = TrackingBookYear.objects.get(unit=province.commune, year=2026)
        assert (book.last, book.closed_by) == (2, staff["admin"])
        assert "closed 08:00 02/01/2027" in client.get(reverse("dossiers:tracking_book"), **EN).text

    with translation.override("en"), pytest.raises(ValidationError, match="2026 is closed"):
        received(version, province.commune, staff["desk"], NEW_YEARS_EVE + dt.timedelta(hours=3))


def test_the_migration_numbers_existing_dossiers_by_receipt_per_desk_and_year(province, staff):
    from importlib import import_module

    from django.apps import apps

    version = commune_procedure()
    moments = [NEW_YEARS_EVE, NEW_YEARS_EVE + dt.timedelta(minutes=5), NEW_YEAR]
    made = [received(version, province.commune, staff["desk"], m) for m in moments]
    Dossier.objects.update(book_year=None, book_number=None)
    TrackingBookYear.objects.all().delete()

    import_module("egov.dossiers.migrations.0019_number_existing_book_entries").forwards(apps, None)

    numbers = [Dossier.objects.values_list("book_year", "book_number").get(pk=d.pk) for d in made]
    assert numbers == [(2026, 1), (2026, 2), (2027, 1)]
    assert TrackingBookYear.objects.get(unit=province.commune, year=2026).closed_at is not None


@pytest.mark.django_db(transaction=True)
def test_parallel_receipts_get_gapless_numbers_even_when_some_roll_back(province, staff):
    # Many connections at once on PostgreSQL; SQLite serialises writers itself, so fewer there.
    workers = 32 if connection.vendor == "postgresql" else 6
    total = 96 if connection.vendor == "postgresql" else 24
    version = commune_procedure()
    with transaction.atomic():
        pending = [
            services.create_dossier_row(
                version=version,
                receiving_unit=province.commune,
                competent_unit=province.commune,
                applicant=services.Applicant(name=f"Người nộp {n}"),
                channel=Channel.ONLINE,
                now=NEW_YEARS_EVE,
            ).pk
            for n in range(total)
        ]
    start = threading.Barrier(workers)

    def receive_one(index: int) -> int | None:
        try:
            if index < workers:
                start.wait(timeout=30)
            with transaction.atomic():
                dossier = Dossier.objects.select_related("receiving_unit").get(pk=pending[index])
                tracking_book.assign_entry(dossier, NEW_YEARS_EVE)
                if index % 5 == 0:
                    transaction.set_rollback(True)  # the receipt failed: its number comes back
                    return None
                dossier.save(update_fields=["book_year", "book_number"])
                return dossier.book_number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        numbers = [n for n in pool.map(receive_one, range(total)) if n is not None]

    kept = total - len(range(0, total, 5))
    assert sorted(numbers) == list(range(1, kept + 1))
    assert TrackingBookYear.objects.get(unit=province.commune, year=2026).last == kept
