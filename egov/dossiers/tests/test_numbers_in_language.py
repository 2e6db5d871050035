"""Durations are written as the reader's language writes numbers: "1,6 giờ", "1.6 hours"."""

import datetime as dt
import re

import time_machine
from django.urls import reverse

from egov.dossiers.tests.test_views_queue import MONDAY, dossiers, staff  # noqa: F401 — fixtures


def _clock_texts(client, tab: str, **headers) -> list[tuple[str, str]]:
    response = client.get(reverse("dossiers:queue"), {"tab": tab}, **headers)
    assert response.status_code == 200
    pattern = r"(\d[\d.,]*) (giờ làm việc|ngày làm việc|working hours|working days)"
    return [(match[1], match[2]) for match in re.finditer(pattern, response.text)]


def test_the_time_left_uses_a_decimal_comma_in_vietnamese_and_a_point_in_english(client, staff, dossiers):  # noqa: F811
    client.force_login(staff["leader"])
    # Due Wednesday 09:00; on Monday at 10:06 almost two working days are left, on Tuesday a few hours.
    with time_machine.travel(MONDAY + dt.timedelta(hours=1, minutes=6), tick=False):
        days_vi = _clock_texts(client, "unit")
        days_en = _clock_texts(client, "unit", HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(dt.datetime(2026, 3, 3, 15, 6, tzinfo=MONDAY.tzinfo), tick=False):
        hours_vi = _clock_texts(client, "unit")
        hours_en = _clock_texts(client, "unit", HTTP_ACCEPT_LANGUAGE="en")

    assert days_vi
    assert hours_vi
    assert days_en
    assert hours_en
    assert all(re.fullmatch(r"\d+,\d\d?", n) and unit == "ngày làm việc" for n, unit in days_vi), days_vi
    assert all(re.fullmatch(r"\d+,\d", n) and unit == "giờ làm việc" for n, unit in hours_vi), hours_vi
    assert all(re.fullmatch(r"\d+\.\d\d?", n) and unit == "working days" for n, unit in days_en), days_en
    assert all(re.fullmatch(r"\d+\.\d", n) and unit == "working hours" for n, unit in hours_en), hours_en
