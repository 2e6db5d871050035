"""Prefill from the account and the population-database simulator (ND 45/2020: never ask again)."""

import pytest
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.dossiers.models import Draft
from egov.dossiers.tests.online_factories import citizen, online_procedure

pytestmark = pytest.mark.django_db(transaction=True)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def population(live_server, settings):
    settings.EGOV_POPULATION_URL = f"{live_server.url}/mo-phong/dan-cu/"
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    return live_server


def test_population_data_is_prefilled_read_only_and_picks_the_commune(population, client, province):
    version = online_procedure()
    owner = citizen(email="an@example.vn")
    client.force_login(owner)

    client.post(reverse("portal:online_start", args=[version.procedure.code]))

    draft = Draft.objects.get()
    assert draft.receiving_unit == province.commune  # "Xóm Làng Mới, xã Đồng Hỷ" → Xã Đồng Hỷ
    assert draft.data["applicant_name"] == "Nguyễn Văn An"
    assert draft.data["applicant_birth_date"] == "1990-03-15"
    assert draft.data["applicant_email"] == "an@example.vn"  # from the account, editable
    assert {"applicant_name", "applicant_birth_date", "applicant_address", "applicant_id_number"} <= set(
        draft.prefilled
    )
    assert "applicant_email" not in draft.prefilled
    assert AuditEntry.objects.filter(action="population.lookup", object_id="019090001234").exists()

    page = client.get(reverse("portal:online_draft", args=[draft.pk]), **EN)
    assert page.context["form"]["applicant_birth_date"].field.disabled
    assert "from the State&#x27;s data" in page.text or "from the State's data" in page.text

    # A tampered POST cannot change what the State holds.
    client.post(
        reverse("portal:online_draft", args=[draft.pk]),
        {"do": "save", "applicant_name": "Người Khác", "receiving_unit": province.commune.pk},
    )
    draft.refresh_from_db()
    assert draft.data["applicant_name"] == "Nguyễn Văn An"


def test_without_the_population_database_the_account_fills_what_it_can(client, province, settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"
    version = online_procedure()
    client.force_login(citizen())
    client.post(reverse("portal:online_start", args=[version.procedure.code]))
    draft = Draft.objects.get()
    assert draft.data["applicant_name"] == "Nguyễn Văn An"  # the account's name, editable
    assert draft.prefilled == ["applicant_id_number"]
    assert draft.receiving_unit is None
    # Not silently empty: the citizen is told why and what to do.
    page = client.get(reverse("portal:online_draft", args=[draft.pk]))
    assert "chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư" in page.text
    assert "Connection" not in page.text
