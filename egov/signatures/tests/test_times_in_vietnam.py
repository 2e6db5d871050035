"""One moment, one date: a certificate's expiry is shown as its day in Asia/Ho_Chi_Minh everywhere."""

import datetime as dt

import time_machine
from django.test import Client

# 20:00 UTC on 5 December is 03:00 on 6 December in Vietnam (UTC+7).
EXPIRY = dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.UTC)


def _pages(client, document, batch=True):
    pages = {
        "certificates": client.get("/can-bo/ky-so/chung-thu/"),
        "document": client.get(f"/can-bo/ky-so/tai-lieu/{document.pk}/"),
    }
    if batch:
        pages["batch"] = client.get("/can-bo/ky-so/ky-hang-loat/")
    return pages


@time_machine.travel(dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC), tick=False)
def test_a_certificate_expiring_at_night_in_utc_expires_on_the_next_day_in_vietnam(
    document, leader, leader_cert
):
    leader_cert.not_before = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    leader_cert.not_after = EXPIRY
    leader_cert.save(update_fields=["not_before", "not_after"])
    client = Client()
    client.force_login(leader)

    for name, response in _pages(client, document).items():
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "06/12/2026" in body, name
        assert "05/12/2026" not in body, name
