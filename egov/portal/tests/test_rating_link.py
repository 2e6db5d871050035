"""The dossier page links to the rating only when the rating page takes one (walk 2026-12-08).

Right after submitting, the link was there and the page it opened said a dossier is rated once
processed: the link and the page now ask the same rule (egov.feedback.services.may_rate).
"""

import pytest
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.feedback.models import Rating
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dg"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dg"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dg"),
    }


@pytest.fixture
def owner(db):
    return make_user("congdan.dg", kind="citizen")


@pytest.fixture
def dossier(province, staff, owner):
    dossier = receive(commune_procedure(), province.commune, staff["desk"])
    dossier.citizen = owner
    dossier.save(update_fields=["citizen"])
    return dossier


def rating_link_shown(client, dossier) -> bool:
    response = client.get(reverse("portal:citizen_dossier", args=[dossier.code]))
    assert response.status_code == 200
    return reverse("feedback:rate", args=[dossier.code]) in response.text


def test_the_rating_link_appears_when_the_rating_page_takes_a_rating(client, staff, owner, dossier):
    client.force_login(owner)
    rate_url = reverse("feedback:rate", args=[dossier.code])

    assert not rating_link_shown(client, dossier)
    assert client.get(rate_url).context["rateable"] is False
    services.forward_dossier(dossier, by=staff["desk"])
    assert not rating_link_shown(client, dossier)

    process_to_result(dossier, specialist=staff["specialist"], leader=staff["leader"])
    assert rating_link_shown(client, dossier)
    assert client.get(rate_url).context["rateable"] is True
    response = client.post(rate_url, {"overall": "5", "comment": ""})
    assert response.status_code == 302
    assert Rating.objects.filter(dossier=dossier).exists()
