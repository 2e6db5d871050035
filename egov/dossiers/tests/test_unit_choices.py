"""Unit choices are in Vietnamese alphabetical order and can be filtered by typing (issue 11,
item 10).

Selects over units were in tree order or the database's byte order, which puts every name
starting with Đ after V: with 92 communes, "Xã Đồng Hỷ" sat after "Xã Võ Nhai".
"""

import lxml.html  # type: ignore[import-untyped]
import pytest
from django.urls import reverse

from egov.core.text import collation_key
from egov.dossiers.tests.factories import commune_procedure
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_unit

pytestmark = pytest.mark.django_db
NAMES = ["Xã Ân Thi", "Xã An Khánh", "Xã Đại Từ", "Xã Dương Thành", "Xã Bằng Thành", "Xã Ba Bể", "Phường Ơn"]


def _options(html: str, select_id: str) -> list[str]:
    select = lxml.html.fromstring(html).get_element_by_id(select_id)
    assert select.get("data-filter")  # static/egov/select-filter.js puts a search box above it
    return [o.text_content().strip() for o in select.iter("option") if o.get("value")]


def test_the_communes_at_the_centre_desk_are_in_dictionary_order(client, province):
    for name in NAMES:
        make_unit("commune", parent=province.province, name=name)
    version = commune_procedure()
    client.force_login(make_member(Role.DESK_OFFICER, province.centre, "motcua.tinh"))

    html = client.get(reverse("dossiers:intake") + f"?thu_tuc={version.procedure.code}").content.decode()
    shown = _options(html, "id_competent_unit")

    assert shown == sorted(shown, key=collation_key)
    ours = [name for name in shown if name in NAMES]
    assert ours == [
        "Phường Ơn",
        "Xã An Khánh",
        "Xã Ân Thi",
        "Xã Ba Bể",
        "Xã Bằng Thành",
        "Xã Dương Thành",
        "Xã Đại Từ",
    ]
    assert shown.index("Xã Đồng Hỷ") < shown.index("Xã Võ Nhai")


def test_the_script_that_filters_is_a_file_the_csp_allows(client, province):
    html = client.get(reverse("portal:home")).content.decode()

    (script,) = lxml.html.fromstring(html).xpath("//script[contains(@src, 'select-filter.js')]")
    assert script.get("defer") is not None
    assert client.get(script.get("src")).status_code == 200
