import pytest
from django.urls import reverse

from egov.procedures.models import Procedure


def test_detail_shows_components_time_limit_fees_legal_basis_and_where(client, catalogue):
    procedure = Procedure.objects.select_related("current_version").get(code="1.001193")
    version = procedure.current_version

    response = client.get(reverse("portal:procedure_detail", args=["1.001193"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert version.name in page
    for component in version.components.all():
        assert component.name in page
    assert version.competent_authority in page
    assert version.where_to_submit in page
    assert "Căn cứ pháp lý" in page
    assert "ngày làm việc" in page


def test_amended_procedure_shows_its_newest_version(client, catalogue):
    amended = Procedure.objects.filter(versions__number=2).distinct().first()
    assert amended is not None

    response = client.get(reverse("portal:procedure_detail", args=[amended.code]))

    assert response.context["version"].number == amended.versions.order_by("-number").first().number


def test_replaced_procedure_points_to_its_successor(client, catalogue):
    replaced = Procedure.objects.filter(replaced_by__isnull=False).select_related("replaced_by").first()
    assert replaced is not None

    response = client.get(reverse("portal:procedure_detail", args=[replaced.code]))

    assert response.status_code == 200
    assert reverse("portal:procedure_detail", args=[replaced.replaced_by.code]) in response.content.decode()


@pytest.mark.django_db
def test_unknown_code_is_404(client):
    assert client.get(reverse("portal:procedure_detail", args=["9.999999"])).status_code == 404


def test_home_page_counts_and_links_sectors(client, catalogue):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert response.context["procedure_count"] > 50
    assert "?sector=HOTICH" in response.content.decode()
