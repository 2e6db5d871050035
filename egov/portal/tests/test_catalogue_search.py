"""The public catalogue at /thu-tuc/: accent-insensitive search, filters, pagination."""

import pytest
from django.urls import reverse

from egov.procedures.models import Procedure, ProcedureVersion

URL = reverse("portal:catalogue")


def names_on(response) -> list[str]:
    return [version.name for version in response.context["page_obj"]]


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "Đăng ký khai sinh", "DANG KY KHAI SINH", "đăng  ky   KHAI sinh"]
)
def test_search_ignores_accents_case_and_spacing(client, catalogue, query):
    response = client.get(URL, {"q": query})

    assert response.status_code == 200
    assert "Đăng ký khai sinh" in names_on(response)
    assert all("khai sinh" in name.lower() for name in names_on(response))


def test_search_by_national_code(client, catalogue):
    response = client.get(URL, {"q": "1.001193"})

    assert names_on(response) == ["Đăng ký khai sinh"]


def test_search_by_sector_name_without_accents(client, catalogue):
    response = client.get(URL, {"q": "ho tich"})

    sectors = {version.sector.name for version in response.context["page_obj"]}
    assert sectors == {"Hộ tịch"}


def test_every_word_must_match(client, catalogue):
    response = client.get(URL, {"q": "khai sinh xay dung"})

    assert names_on(response) == []
    assert "Không tìm thấy thủ tục" in response.content.decode()


def test_sector_filter_and_online_filter(client, catalogue):
    response = client.get(URL, {"sector": "HOTICH", "online": "full"})

    versions = list(response.context["page_obj"])
    assert versions
    assert {v.sector.code for v in versions} == {"HOTICH"}
    assert {v.online_level for v in versions} == {"full"}


def test_level_filter(client, catalogue):
    response = client.get(URL, {"level": "commune"})

    versions = list(response.context["page_obj"])
    assert versions
    assert all("commune" in v.levels for v in versions)


def test_pages_hold_twenty_and_keep_the_query(client, catalogue):
    total = ProcedureVersion.objects.in_force().count()

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert first.context["page_obj"].paginator.count == total
    assert len(names_on(first)) == 20
    assert set(names_on(first)).isdisjoint(names_on(second))
    filtered = client.get(URL, {"q": "cap", "page": 1})
    assert (
        'href="?q=cap&amp;page=2"' in filtered.content.decode()
        or filtered.context["page_obj"].paginator.num_pages == 1
    )


def test_abolished_procedures_are_not_listed(client, catalogue):
    abolished = Procedure.objects.filter(is_abolished=True).select_related("current_version").first()
    assert abolished is not None

    response = client.get(URL, {"q": abolished.code})

    assert names_on(response) == []


def test_catalogue_page_is_in_vietnamese_and_switches_to_english(client, catalogue):
    vietnamese = client.get(URL).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    english = client.get(URL).content.decode()

    assert "Thủ tục hành chính" in vietnamese
    assert "Administrative procedures" in english


def test_list_page_runs_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(URL, {"q": "giay phep"})
