"""Population database adapter against its simulator, over real HTTP."""

import json
from dataclasses import fields
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.core.models import AuditEntry
from egov.integrations import simulators as simulator_views
from egov.integrations.errors import (
    IntegrationAuthFailed,
    IntegrationProtocolError,
    IntegrationUnavailable,
)
from egov.integrations.models import SimulatorSwitch
from egov.integrations.population import CitizenRecord, lookup_citizen, parse_id_number
from egov.integrations.simulated_citizens import citizens

live = pytest.mark.django_db(transaction=True)
ASK = {"requested_by": "motcua.donghy", "purpose": "Tiếp nhận hồ sơ đăng ký thường trú"}


@live
def test_fixed_citizen_comes_back_with_the_20_fields(simulators):
    record = lookup_citizen("019090001234", **ASK)

    assert record is not None
    assert len(fields(CitizenRecord)) == 20
    assert record.full_name == "Nguyễn Văn An"
    assert record.date_of_birth == date(1990, 3, 15)
    assert record.sex == "Nam"
    assert record.permanent_residence == "Xóm Làng Mới, xã Đồng Hỷ, tỉnh Thái Nguyên"
    assert str(record.head_of_household) == "Nguyễn Văn An (Chủ hộ)"
    assert record.to_dict()["date_of_birth"] == "1990-03-15"
    assert list(record.to_dict()) == list(CitizenRecord.labels()) == [f.name for f in fields(CitizenRecord)]
    with translation.override("en"):
        assert CitizenRecord.labels()["full_name"] == "Full name"
        assert record.rows()[3] == ("Date of birth", "15/03/1990")


@live
def test_a_woman_born_in_2005_in_bac_kan(simulators):
    record = lookup_citizen("006305001122", **ASK)

    assert record is not None
    assert (record.full_name, record.sex, record.date_of_birth.year) == ("Hoàng Thị Mai", "Nữ", 2005)
    assert record.blood_type == ""
    assert record.old_id_number == ""


@live
def test_unknown_number_is_none_and_audited(simulators):
    assert "019090999999" not in citizens()

    assert lookup_citizen("019090999999", **ASK) is None
    assert AuditEntry.objects.last().after["outcome"] == "not_found"


@live
def test_lookup_is_audited_without_the_personal_data(simulators):
    lookup_citizen("019195004567", **ASK)

    entry = AuditEntry.objects.get(action="population.lookup")
    assert entry.object_id == "019195004567"
    assert entry.after == {**ASK, "outcome": "found"}
    logged = json.dumps(entry.chained_fields(), ensure_ascii=False)
    for personal in ("Trần Thị Bình", "1995-08-20", "Phan Đình Phùng", "0987654321", "Tày"):
        assert personal not in logged


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("01909000123", "exactly 12 digits"),
        ("0190900012345", "exactly 12 digits"),
        ("01909000123a", "exactly 12 digits"),
        ("097090001234", "(097) are not the code of a province"),
        ("000090001234", "(000) are not the code of a province"),
        ("019290001234", "birth year of 2090, which is in the future"),
        ("019495001234", "birth year of 2195"),
    ],
)
def test_invalid_number_is_refused_before_any_call(no_http, number, message):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        lookup_citizen(number, **ASK)
    assert message in caught.value.messages[0]


def test_number_layout_is_read():
    number = parse_id_number(" 006305001122 ")
    assert (number.value, number.province_code, number.birth_year, number.sex) == (
        "006305001122",
        "006",
        2005,
        "Nữ",
    )
    assert parse_id_number("019195004567").sex == "Nữ"


def test_requester_and_purpose_are_required(no_http):
    with pytest.raises(ValueError, match="purpose"):
        lookup_citizen("019090001234", requested_by="motcua", purpose=" ")


@live
def test_answer_inconsistent_with_the_number_is_not_trusted(simulators, monkeypatch):
    wrong = {**citizens()["019090001234"], "gioiTinh": "Nữ"}  # the number says male
    monkeypatch.setattr(simulator_views, "citizens", lambda: {"019090001234": wrong})

    with pytest.raises(IntegrationProtocolError):
        lookup_citizen("019090001234", **ASK)
    assert AuditEntry.objects.last().after["outcome"] == "IntegrationProtocolError"


@live
def test_wrong_token_is_an_auth_failure_to_retry_after_fixing_it(simulators, settings, monkeypatch):
    # The simulator expects another token than the one egov is configured with.
    monkeypatch.setattr(simulator_views, "setting", lambda name, default: "the-real-token")

    with pytest.raises(IntegrationAuthFailed) as caught:
        lookup_citizen("019090001234", **ASK)
    assert isinstance(caught.value, IntegrationUnavailable)
    assert "401" in str(caught.value)


@live
def test_database_down_is_unavailable(simulators):
    SimulatorSwitch.objects.create(name=SimulatorSwitch.Name.POPULATION, failing=True)

    with pytest.raises(IntegrationUnavailable, match="503"):
        lookup_citizen("019090001234", **ASK)
    assert AuditEntry.objects.last().after["outcome"] == "IntegrationUnavailable"


@pytest.mark.django_db
def test_unreachable_database_is_unavailable(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"

    with pytest.raises(IntegrationUnavailable):
        lookup_citizen("019090001234", **ASK)


@live
def test_a_wrong_url_is_not_mistaken_for_not_found(simulators, settings, live_server):
    settings.EGOV_POPULATION_URL = f"{live_server.url}/khong-co-dich-vu/"

    with pytest.raises(IntegrationProtocolError):
        lookup_citizen("019090001234", **ASK)
