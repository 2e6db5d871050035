"""The detail page names the competent unit and where each step of the process is done."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

# 1.012811: decided by Sở Nông nghiệp và Môi trường (H51.06), one step at Sở Tài chính (H51.04).
AGENCY_PROCEDURE = "1.012811"
COMMUNE_PROCEDURE = "1.001193"


def detail(client: Client, code: str) -> str:
    response = client.get(reverse("portal:procedure_detail", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def test_detail_shows_the_competent_unit_and_the_place_of_each_step(client, catalogue):
    page = detail(client, AGENCY_PROCEDURE)

    assert "Đơn vị có thẩm quyền giải quyết" in page
    assert "Sở Nông nghiệp và Môi trường" in page
    assert "tại bộ phận một cửa" in page
    assert "tại cơ quan có thẩm quyền" in page
    assert "Xác định nghĩa vụ tài chính — Chuyên viên, tại Sở Tài chính" in page


def test_a_commune_procedure_shows_no_competent_unit(client, catalogue):
    page = detail(client, COMMUNE_PROCEDURE)

    assert "Đơn vị có thẩm quyền giải quyết" not in page
    assert "tại bộ phận một cửa" in page
    assert "tại cơ quan có thẩm quyền" in page


def test_named_units_cost_no_extra_queries(client, catalogue):
    detail(client, COMMUNE_PROCEDURE)  # warm up whatever is cached per process
    with CaptureQueriesContext(connection) as commune:
        detail(client, COMMUNE_PROCEDURE)
    with CaptureQueriesContext(connection) as agency:
        detail(client, AGENCY_PROCEDURE)

    assert len(agency) == len(commune)
