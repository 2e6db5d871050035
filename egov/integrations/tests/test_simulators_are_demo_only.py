"""Every simulator address (/mo-phong/…) exists only in a demo, and what a person can read there
about citizens only for administrators (issue 11, item 14).

The list of addresses is egov.integrations.urls itself, so a simulator added later is covered.
"""

import re

import pytest
from django.urls import URLPattern

from egov.integrations import urls

pytestmark = pytest.mark.django_db

# The pages a person reads (not an adapter's or a browser flow's endpoint): citizens' phone
# numbers, messages and dossiers.
INSPECTION_PAGES = {"sms_inbox", "portal_pushes"}


def _addresses() -> list[tuple[str, str]]:
    found = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = re.sub(r"<[^>]+>", "7b0c6a51-0000-4000-8000-000000000000", str(pattern.pattern))
        found.append((str(pattern.name), f"/mo-phong/{route}"))
    return found


def test_every_simulator_is_covered():
    names = {name for name, _address in _addresses()}
    assert names >= INSPECTION_PAGES
    assert len(names) >= 14  # population, SMS, national portal, payment, VNeID


def test_without_the_demo_setting_every_simulator_address_is_404(client, django_user_model, settings):
    settings.EGOV_DEMO = False
    client.force_login(
        django_user_model.objects.create_user(username="quantri3", kind="staff", is_staff=True)
    )

    answers = {
        (address, method): getattr(client, method)(address).status_code
        for _name, address in _addresses()
        for method in ("get", "post")
    }

    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_inspection_pages_are_404_for_everyone_but_administrators(client, django_user_model):
    pages = [address for name, address in _addresses() if name in INSPECTION_PAGES]
    people = [
        None,
        django_user_model.objects.create_user(username="congdan4", kind="citizen"),
        django_user_model.objects.create_user(username="lanhdao4", kind="staff"),
    ]
    for person in people:
        client.logout()
        if person is not None:
            client.force_login(person)
        for page in pages:
            assert client.get(page).status_code == 404, (person, page)

    client.force_login(
        django_user_model.objects.create_user(username="quantri4", kind="staff", is_staff=True)
    )
    for page in pages:
        assert client.get(page).status_code == 200, page
