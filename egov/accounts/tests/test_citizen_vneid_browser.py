"""In a real browser: "log in with VNeID", pick a citizen at the provider, come back logged in."""

import re

import pytest
from django.urls import reverse

from egov.accounts.models import CitizenIdentity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_logs_in_with_vneid_in_a_browser(page, live_server, settings):
    settings.SITE_URL = live_server.url  # VNeID's simulator is there too: nothing else to set
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    page.goto(reverse("accounts:citizen_register"))

    page.get_by_role("link", name=re.compile("VNeID")).click()
    page.get_by_label(re.compile("Nguyễn Văn An")).check()
    page.get_by_role("button", name="Đồng ý").click()

    page.wait_for_url(f"{live_server.url}{reverse('portal:home')}")
    page.goto(reverse("accounts:citizen_profile"))
    assert page.locator('[data-field="national_id"]').inner_text() == "019090001234"
    assert CitizenIdentity.objects.get().user.full_name == "Nguyễn Văn An"
