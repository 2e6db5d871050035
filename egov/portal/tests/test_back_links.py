"""The rating, payment and receipt pages have a way back, and nothing on them leads to the page
itself (issue 11 item 6).

Each page is fetched as the citizen (back to the dossier's tracking page) or the officer (back to
the dossier's workspace page) and parsed: a link back must be there, and no link and no GET form
may target the page's own URL. A POST form to the page's own URL is the page's action (send the
rating, open the payment), not a way to go somewhere, so it is allowed.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from egov.dossiers import services
from egov.dossiers.models import Dossier, Payment
from egov.dossiers.tests.factories import commune_procedure, draft_result, receive
from egov.integrations import payment_gateway as gateway
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


class _Targets(HTMLParser):
    """Every <a href> and <form action> of a page, resolved against the page's URL."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.links: list[str] = []
        self.main_links: list[str] = []  # the page's own content, not the site's menu
        self.get_forms: list[str] = []
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag == "a" and found.get("href") is not None:
            href = found["href"] or ""
            if not href.startswith("#"):  # the skip link and in-page anchors stay on the page
                self.links.append(urlsplit(urljoin(self.page_url, href)).path)
                if self.in_main:
                    self.main_links.append(self.links[-1])
        elif tag == "form" and (found.get("method") or "get").lower() == "get":
            self.get_forms.append(urlsplit(urljoin(self.page_url, found.get("action") or "")).path)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False


def check_page(client, url: str, back: str, *, status: int = 200, method: str = "get") -> None:
    response = client.post(url) if method == "post" else client.get(url)
    assert response.status_code == status, response.content[:500]
    page = _Targets(url)
    page.feed(response.content.decode())
    own = urlsplit(url).path
    assert back in page.main_links, f"{own}: no link back to {back}"
    assert own not in page.links, f"{own} links to itself"
    assert own not in page.get_forms, f"{own} has a form that reloads it"


@pytest.fixture
def desk(province):
    return make_member(Role.DESK_OFFICER, province.commune, "motcua.ql")


@pytest.fixture
def owner(db):
    return make_user("congdan.ql", kind="citizen")


def owned(dossier: Dossier, owner) -> Dossier:
    dossier.citizen = owner
    dossier.save(update_fields=["citizen"])
    return dossier


def callback(payment: Payment, code: str) -> str:
    """The gateway's signed return URL for the order, as the browser brings it back."""
    params = gateway.signed(
        {
            "version": gateway.VERSION,
            "merchant": gateway.merchant(),
            "order_id": payment.order_id,
            "amount": str(payment.amount),
            "order_info": "Thanh toan",
            "response_code": code,
            "transaction_no": "14000009",
            "bank_code": "NCB",
            "pay_date": gateway.format_date(timezone.now()),
        }
    )
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{reverse('dossiers:payment_return')}?{query}"


def test_the_rating_page_leads_back_to_the_dossier(client, province, desk, owner):
    specialist = make_member(Role.SPECIALIST, province.commune, "tuphap.ql")
    leader = make_member(Role.LEADER, province.commune, "chutich.ql")
    waiting = owned(receive(commune_procedure(), province.commune, desk), owner)
    processed = owned(receive(commune_procedure(code="1.001194"), province.commune, desk), owner)
    services.forward_dossier(processed, by=desk)
    draft_result(processed, specialist)
    services.complete_step(processed, by=specialist)
    services.refuse_after_appraisal(processed, by=leader, reason="Không đủ điều kiện")
    client.force_login(owner)

    for dossier in (waiting, processed):
        url = reverse("feedback:rate", args=[dossier.code])
        check_page(client, url, reverse("portal:citizen_dossier", args=[dossier.code]))
    rated = client.post(
        reverse("feedback:rate", args=[processed.code]),
        {"overall": "5", "comment": "Nhanh, gọn"},
    )
    assert rated.status_code == 302
    check_page(
        client,
        reverse("feedback:rate", args=[processed.code]),
        reverse("portal:citizen_dossier", args=[processed.code]),
    )


def test_the_payment_pages_lead_back_to_the_dossier(client, province, desk, owner):
    dossier = owned(receive(commune_procedure(), province.commune, desk), owner)
    back = reverse("portal:citizen_dossier", args=[dossier.code])
    pay = reverse("dossiers:pay", args=[dossier.code])
    client.force_login(owner)

    check_page(client, pay, back)
    assert client.post(pay).status_code == 302
    first = Payment.objects.get()
    check_page(client, callback(first, "24"), back)  # cancelled at the gateway
    check_page(
        client,
        callback(first, "00").replace("amount=8000", "amount=9000"),
        reverse("portal:my_dossiers"),
        status=400,
    )
    assert client.post(pay).status_code == 302
    second = Payment.objects.latest("pk")
    check_page(client, callback(second, "00"), back)  # paid
    check_page(client, pay, back)  # "already paid"
    check_page(client, pay, back, status=409, method="post")  # the refusal page
    receipt = reverse("dossiers:payment_receipt", args=[second.order_id])
    check_page(client, receipt, back)

    client.force_login(desk)
    check_page(client, receipt, reverse("dossiers:detail", args=[dossier.code]))


def test_the_dossier_page_points_into_itself_not_at_itself(client, province, desk, owner):
    specialist = make_member(Role.SPECIALIST, province.commune, "tuphap.ql")
    dossier = owned(receive(commune_procedure(), province.commune, desk), owner)
    services.forward_dossier(dossier, by=desk)
    services.request_supplement(dossier, by=specialist, missing=["Giấy chứng sinh"], reason="Thiếu")
    client.force_login(owner)
    url = reverse("portal:citizen_dossier", args=[dossier.code])

    check_page(client, url, reverse("portal:my_dossiers"))
    page = client.get(url).text
    assert 'href="#supply"' in page
    assert 'id="supply"' in page
    # The list still leads to the dossier's page, where the papers are asked for.
    listing = client.get(reverse("portal:my_dossiers")).text
    assert f'href="{url}#supply"' in listing
