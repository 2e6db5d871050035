"""The staff menu offers exactly what the role may use, names the page one is on instead of
linking to it, and the workspace home counts what waits for the officer (issue 11 items 7, 8)."""

import datetime as dt
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import lxml.html  # type: ignore[import-untyped]
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from egov.dashboard.navigation import STAFF_MENU
from egov.dossiers import services
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)


class _Links(HTMLParser):
    """The hrefs inside the site's main menu, and the entries marked as the current page."""

    def __init__(self) -> None:
        super().__init__()
        self.in_nav = 0
        self.nav_hrefs: list[str] = []
        self.all_hrefs: list[str] = []
        self.current: list[str] = []
        self._in_current = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "nav" and "site-nav" in (attributes.get("class") or ""):
            self.in_nav += 1
        if tag == "a" and attributes.get("href"):
            self.all_hrefs.append(attributes["href"] or "")
            if self.in_nav:
                self.nav_hrefs.append(attributes["href"] or "")
        if self.in_nav and attributes.get("aria-current") == "page":
            self._in_current = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.in_nav:
            self.in_nav -= 1
        if tag == "span":
            self._in_current = False

    def handle_data(self, data: str) -> None:
        if self._in_current and data.strip():
            self.current.append(data.strip())


def links(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def people(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.m"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.m"),
        "head": make_member(Role.HEAD_OF_DEPARTMENT, province.commune, "truongphong.m"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.m"),
        "secretary": make_member(Role.MEETING_SECRETARY, province.commune, "thuky.m"),
    }


EXPECTED = {
    "desk": {"dossiers:queue", "dossiers:intake", "dossiers:tracking_book", "dashboard:statistics"},
    "specialist": {"dossiers:queue", "feedback_staff:queue"},
    "head": {"dossiers:queue", "dashboard:statistics", "feedback_staff:queue"},
    "leader": {"dossiers:queue", "dossiers:tracking_book", "dashboard:statistics", "feedback_staff:queue"},
    "secretary": set(),
}
FOR_EVERYONE = {"dashboard:home", "documents:list", "portal:catalogue", "accounts:security"}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_menu_offers_what_the_role_may_use_and_every_page_agrees(people, who):
    client = Client()
    client.force_login(people[who])
    menu = links(client.get(reverse("dashboard:home")))
    offered = {entry.url_name for entry in STAFF_MENU if reverse(entry.url_name) in menu.nav_hrefs}
    # The home page is the current page: it is named in the menu, not linked.
    assert "Không gian làm việc" in menu.current
    assert offered | {"dashboard:home"} == EXPECTED[who] | FOR_EVERYONE
    for entry in STAFF_MENU:
        status = client.get(reverse(entry.url_name)).status_code
        if entry.url_name in offered | {"dashboard:home"}:
            assert status == 200, (who, entry.url_name, status)
        elif entry.url_name != "admin:index":
            assert status in (403, 404), (who, entry.url_name, status)


def test_no_page_of_the_menu_links_to_itself(people):
    client = Client()
    client.force_login(people["desk"])
    for url_name in EXPECTED["desk"] | FOR_EVERYONE:
        url = reverse(url_name)
        response = client.get(url)
        assert response.status_code == 200, url_name
        assert url not in links(response).nav_hrefs, url_name


def test_the_portal_menu_names_the_page_it_is_on(db):
    page = links(Client().get(reverse("portal:catalogue")))
    assert reverse("portal:catalogue") not in page.nav_hrefs
    assert reverse("portal:lookup") in page.nav_hrefs


def test_the_workspace_home_counts_what_waits_and_links_to_it(province, people):
    version = commune_procedure()
    with time_machine.travel(MONDAY, tick=False):
        receive(version, province.commune, people["desk"], name="Lê Thị Cúc")
        forwarded = receive(version, province.commune, people["desk"], name="Phạm Văn Dũng")
        services.forward_dossier(forwarded, by=people["desk"])
    with time_machine.travel(MONDAY + dt.timedelta(days=30), tick=False):
        client = Client()
        client.force_login(people["desk"])
        response = client.get(reverse("dashboard:home"))
        counts = response.context["counts"]
        assert counts["mine"] == 1  # the one still at the desk
        assert counts["overdue"] == 2  # both are long past their appointment
        html = response.content.decode()
        assert "Việc của tôi" in html
        assert f"{reverse('dossiers:queue')}?tab=overdue" in html

        client.force_login(people["head"])
        counts = client.get(reverse("dashboard:home")).context["counts"]
        assert counts["unit"] == 2  # the head of department sees his units' open dossiers

        client.force_login(people["secretary"])
        response = client.get(reverse("dashboard:home"))
        assert response.context["counts"] == {}
        assert "Việc của tôi" not in response.content.decode()


def test_the_tracking_book_is_a_page_that_chooses_the_desk(province, people, outsider):
    client = Client()
    client.force_login(people["desk"])
    page = client.get(reverse("dossiers:tracking_book"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sổ theo dõi hồ sơ" in html
    assert f'value="{province.commune.identifier}"' in html
    wrong = client.get(reverse("dossiers:tracking_book"), {"unit": province.commune.identifier, "from": "x"})
    assert wrong.status_code == 400
    assert 'role="alert"' in wrong.content.decode()
    client.force_login(outsider)  # a specialist prints no tracking book
    assert client.get(reverse("dossiers:tracking_book")).status_code == 403


def test_the_tracking_book_s_choices_are_the_shared_fields(province, people):
    """Desk, period and edition through templates/components/field.html, like every other form."""
    client = Client()
    client.force_login(people["desk"])
    page = lxml.html.fromstring(client.get(reverse("dossiers:tracking_book")).content.decode())
    unit = page.get_element_by_id("book-unit")
    assert unit.xpath("parent::div[@class='field']/label[@for='book-unit']")
    assert [o.get("value") for o in unit.xpath("option")] == [province.commune.identifier]
    dates = page.xpath("//div[@class='form-row']/div[@class='field']/input[@type='date']")
    assert [d.get("name") for d in dates] == ["from", "to"]
    (group,) = page.xpath("//fieldset[@class='field'][.//input[@name='edition']]")
    assert group.find("legend") is not None
    assert [r.get("value") for r in group.xpath(".//label[@class='choice']/input")] == ["2025", "2018"]
    assert group.xpath(".//input[@value='2025']/@checked")
    # A wrong date comes back with what was chosen.
    query = {"unit": province.commune.identifier, "from": "x", "to": "2026-03-31", "edition": "2018"}
    wrong = lxml.html.fromstring(client.get(reverse("dossiers:tracking_book"), query).content.decode())
    assert wrong.xpath("//select[@id='book-unit']/option[@selected]/@value") == [province.commune.identifier]
    assert wrong.get_element_by_id("book-to").get("value") == "2026-03-31"
    assert wrong.xpath("//input[@name='edition'][@checked]/@value") == ["2018"]
