"""No English on Vietnamese pages (issue 11, item 10).

Each demo role logs in (Accept-Language vi) and opens every page of its menu and the main forms;
the visible text — and the placeholders, labels and titles a screen reader reads — must hold none
of the common English words of a user interface. Proper nouns and codes are allowed by name.
Words are matched whole, case-insensitively, and chosen so that none is also a Vietnamese word
without its accents ("in", "an", "ban", "tin", "do" are Vietnamese).
"""

import json
import re

import lxml.html  # type: ignore[import-untyped]
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from egov.accounts.models import User
from egov.accounts.tests.helpers import force_verified_login, make_device
from egov.demo import seed
from egov.demo.dossiers import _commune_versions
from egov.demo.province import DEMO_CITIZEN_ID
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import receive
from egov.organization.models import OfficeHours, Unit

pytestmark = pytest.mark.django_db
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}

_ENGLISH_TEXT = (
    "the and of with for your this is are not none true false from by or select submit save cancel "
    "search choose option filter show hide open close delete edit add back next previous page list "
    "details more yes required optional dossier dossiers status received answered published refused "
    "uploaded valid subject kind reason title content answer history step note date time unit units "
    "name home procedure procedures fee fees payment rating feedback login logout password account "
    "document documents file files signature sign meeting report statistics queue workspace menu "
    "skip result results applicant phone"
    # Django 6's admin strings its Vietnamese catalogue lacks (the walk of issue 14).
    " run go toggle theme pagination timezone hour hours ahead server user users created notifications"
    " syncs channel recipient state attempts revoked"
)
ENGLISH = _ENGLISH_TEXT.split()
WORDS = re.compile(r"(?<![\w-])(" + "|".join(ENGLISH) + r")(?![\w-])", re.IGNORECASE)
# Proper nouns and codes that stay as they are on a Vietnamese page.
ALLOWED = {"English"}
# Where a screen reader reads text that is not an element's content.
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "data-filter")

STAFF = [
    "quantri",  # administrator (with TOTP, as the admin requires)
    "thuky.hdnd",  # meeting secretary
    "motcua.donghy",  # desk officer
    "chuyenvien.donghy",  # specialist
    "lanhdao.donghy",  # leader
    "vanthu.donghy",  # clerk
    "truongphong.tuphap",  # head of department
]


@pytest.fixture
def demo():
    """The demo province's units, people and catalogue, and one dossier of the demo citizen."""
    OfficeHours.objects.get_or_create(pk=1)
    units = seed.seed_units(seed.seed_levels())
    seed.seed_staff(units)
    citizen = seed.seed_citizen()
    seed.seed_catalogue()
    version = _commune_versions()[0]
    commune = Unit.objects.get(name="Xã Đồng Hỷ", level__code="commune")
    dossier = receive(version, commune, User.objects.get(username="motcua.donghy"))
    Dossier.objects.filter(pk=dossier.pk).update(citizen=citizen)
    return dossier


def _english(html: str) -> set[str]:
    page = lxml.html.fromstring(html)
    # Django's admin writes its yes/no icons' alt as Python's True/False, untranslatable.
    # A text box holds data, not the interface's words; so does the admin's JSON of an e-form (its keys).
    for element in page.xpath(
        "//script|//style|//template|//textarea|//img[contains(@src, 'admin/img/icon-')]"
    ):
        element.drop_tree()
    for element in page.xpath("//div[contains(@class, 'readonly')]"):
        if element.text_content().lstrip()[:1] in ("{", "["):
            element.drop_tree()
    texts = [page.text_content()]
    for name in READ_ATTRIBUTES:
        texts += page.xpath(f"//@{name}")
    found = {match for text in texts for match in WORDS.findall(" ".join(str(text).split()))}
    return found - ALLOWED


def _menu(html: str) -> list[str]:
    page = lxml.html.fromstring(html)
    return [
        href for href in page.xpath("//nav[contains(@class, 'site-nav')]//a/@href") if href.startswith("/")
    ]


def _walk(client, start: str, extra: list[str]) -> dict[str, set[str]]:
    """English words found on each page of the menu (opened from `start`) and on `extra`."""
    first = client.get(start, **VI)
    assert first.status_code == 200, start
    found: dict[str, set[str]] = {}
    for url in dict.fromkeys([start, *_menu(first.content.decode()), *extra]):
        response = client.get(url, **VI)
        assert response.status_code == 200, (url, response.status_code)
        if words := _english(response.content.decode()):
            found[url] = words
    return found


def test_every_role_sees_vietnamese_only(client, demo):
    dossier = demo
    version = dossier.procedure_version
    found: dict[str, dict[str, set[str]]] = {}

    anonymous = [
        reverse("portal:procedure_detail", args=[version.procedure.code]),
        reverse("feedback:submit"),
        reverse("accounts:login"),
    ]
    found["anonymous"] = _walk(client, reverse("portal:home"), anonymous)

    for username in STAFF:
        user = User.objects.get(username=username)
        client.logout()
        force_verified_login(client, user, make_device(user))
        extra = [reverse("dossiers:detail", args=[dossier.code])] if username.endswith("donghy") else []
        if username == "motcua.donghy":
            extra.append(reverse("dossiers:intake") + f"?thu_tuc={version.procedure.code}")
        if username == "quantri":
            extra += _admin_pages(client, user)
        found[username] = _walk(client, reverse("dashboard:home"), extra)

    client.logout()
    client.force_login(User.objects.get(username=DEMO_CITIZEN_ID))
    mine = [
        reverse("portal:citizen_dossier", args=[dossier.code]),
        reverse("feedback:submit"),
        reverse("feedback:mine"),
        reverse("portal:data_store"),
    ]
    found["citizen"] = _walk(client, reverse("portal:home"), mine)

    assert {who: pages for who, pages in found.items() if pages} == {}


# Names that are the same in Vietnamese (a standard's name).
SAME_IN_VIETNAMESE = {"pdf/a"}


def _english_names() -> set[str]:
    """The admin's model and field names in English, as it would show them untranslated."""
    names = set()
    with translation.override("en"):
        for model in admin.site._registry:
            meta = model._meta
            names |= {str(meta.verbose_name), str(meta.verbose_name_plural)}
            names |= {str(field.verbose_name) for field in meta.concrete_fields}
    return {name.lower() for name in names} - SAME_IN_VIETNAMESE


def _admin_labels(html: str) -> set[str]:
    """What the admin names models and fields by: labels, column heads, captions, model links."""
    page = lxml.html.fromstring(html)
    paths = (
        "//label",
        "//thead//th",
        "//caption",
        "//th[@scope='row']/a",
        "//h1",
        "//h2",
        "//div[contains(@class, 'readonly')]/preceding-sibling::label",
    )
    texts = [element.text_content() for path in paths for element in page.xpath(path)]
    return {" ".join(text.split()).strip(" :*").lower() for text in texts} - {""}


def _admin_pages(client, user: User) -> list[str]:
    """The admin's index, every list it offers the administrator, and each one's add and first change form."""
    index = reverse("admin:index")
    request = RequestFactory().get(index)
    request.user = user
    pages = [index]
    links = lxml.html.fromstring(client.get(index, **VI).content.decode()).xpath("//th[@scope='row']/a/@href")
    for changelist in links:
        # The admin's views carry their ModelAdmin (django.contrib.admin.options.ModelAdmin.urls).
        model_admin = resolve(changelist).func.model_admin  # type: ignore[attr-defined]
        model = model_admin.model
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(changelist)
        if model_admin.has_add_permission(request):  # not a read-only model, filled by egov itself
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        if first := model._default_manager.order_by("pk").first():
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    assert len(pages) > 30, pages
    return pages


def test_the_admin_names_egov_s_models_and_fields_in_vietnamese(client, demo):
    """The administrator's admin: the index, every egov model's list, and its add and change forms."""
    admin_user = User.objects.get(username="quantri")
    force_verified_login(client, admin_user, make_device(admin_user))
    english = _english_names()
    pages = _admin_pages(client, admin_user)
    found: dict[str, set[str]] = {}
    for url in pages:
        response = client.get(url, **VI)
        assert response.status_code == 200, (url, response.status_code)
        for name in _admin_labels(response.content.decode()) & english:
            found.setdefault(name, set()).add(url)
    assert {name: sorted(urls)[:3] for name, urls in found.items()} == {}


def test_the_admin_s_scripts_speak_vietnamese(client, demo):
    """The calendar and time-zone note the admin's scripts write (its djangojs catalogue, jsi18n)."""
    admin_user = User.objects.get(username="quantri")
    force_verified_login(client, admin_user, make_device(admin_user))
    script = client.get(reverse("admin:jsi18n"), **VI).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    timezone_note = "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour ahead.)"
    assert catalogue[timezone_note][0].startswith("Lưu ý: nhập giờ theo múi giờ")
    assert catalogue["Today (%(date)s)"] == "Hôm nay (%(date)s)"
    assert catalogue["abbrev. day Monday\x04Mon"] == "T2"
