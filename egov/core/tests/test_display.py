"""egov.core.display: one way to write numbers and moments, in the reader's language."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from egov.core import display
from egov.dossiers import eforms


def test_numbers_use_the_decimal_comma_in_vietnamese_and_the_point_in_english():
    with translation.override("vi"):
        assert display.number(1.6) == "1,6"
        assert display.number(22.771, 2) == "22,77"
        assert display.number(1500000) == "1.500.000"
        assert display.number("2.50") == "2,5"
    with translation.override("en"):
        assert display.number(1.6) == "1.6"
        assert display.number(22.771, 2) == "22.77"
        assert display.number(1500000) == "1,500,000"


def test_a_moment_is_shown_on_its_day_in_vietnam():
    late_evening_utc = dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.UTC)

    assert display.day(late_evening_utc) == "06/12/2026"
    assert display.moment(late_evening_utc) == "03:00 06/12/2026"
    assert display.day(dt.date(2026, 12, 5)) == "05/12/2026"
    rendered = Template("{% load egov_format %}{{ m|day }} {{ x|number:1 }}").render(
        Context({"m": late_evening_utc, "x": 0.25})
    )
    assert rendered == "06/12/2026 0,3"


def test_a_declared_date_and_number_are_written_the_vietnamese_way():
    specs: list[eforms.Field] = [
        {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
        {"name": "dien_tich", "label": "Diện tích (m²)", "type": "number", "required": True},
    ]
    with translation.override("vi"):
        rows = eforms.display_rows(specs, {"ngay_sinh": "2024-05-01", "dien_tich": "1234.50"})

    assert rows == [("Ngày sinh", "01/05/2024"), ("Diện tích (m²)", "1.234,5")]
