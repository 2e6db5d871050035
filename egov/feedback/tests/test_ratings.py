"""A citizen rates their processed dossier once; staff of its units see the averages."""

import pytest
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.dossiers.models import Dossier, Status
from egov.feedback.models import Rating

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_citizen_rates_a_returned_dossier_once(client, citizen, dossier):
    client.force_login(citizen)
    url = reverse("feedback:rate", args=[dossier.code])

    assert client.get(url).status_code == 200
    response = client.post(url, {"overall": "5", "attitude": "2", "comment": "Nhanh, gọn"})
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.overall, rating.attitude, rating.unit_id) == (5, 2, dossier.receiving_unit_id)
    assert AuditEntry.objects.filter(action="feedback.rate").count() == 1

    again = client.post(url, {"overall": "1", "comment": "Đổi ý"}, **EN)
    assert again.status_code == 409
    assert "already rated" in again.content.decode()
    rating.refresh_from_db()
    assert rating.overall == 5
    assert Rating.objects.count() == 1


def test_dossier_still_processing_cannot_be_rated(client, citizen, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.PROCESSING)
    client.force_login(citizen)

    response = client.post(reverse("feedback:rate", args=[dossier.code]), {"overall": "4"})

    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_another_citizen_and_staff_get_404(client, other_citizen, desk_officer, dossier):
    url = reverse("feedback:rate", args=[dossier.code])
    for user in (other_citizen, desk_officer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"overall": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_staff_see_the_average_of_their_units_only(
    client, citizen, desk_officer, outsider, dossier, province
):
    from egov.dossiers.tests.factories import receive
    from egov.feedback.services import RatingInput, rate_dossier

    rate_dossier(dossier, by=citizen, rating=RatingInput(overall=5))
    second = receive(dossier.procedure_version, province.commune, desk_officer, id_number="019090009999")
    Dossier.objects.filter(pk=second.pk).update(citizen=citizen, status=Status.RESOLVED)
    second.refresh_from_db()
    rate_dossier(second, by=citizen, rating=RatingInput(overall=2))

    client.force_login(desk_officer)
    response = client.get(reverse("feedback_staff:ratings"))
    assert response.status_code == 200
    averages = response.context["averages"]
    assert [(a.unit_name, a.count, str(a.average)) for a in averages] == [(province.commune.name, 2, "3.50")]

    client.force_login(outsider)
    assert client.get(reverse("feedback_staff:ratings")).context["averages"] == []
