"""Payment is offered only when it can be made (issue 11 item 7).

One rule (`services.payment_refusal`) decides for the citizen's dossier page, the "pay online"
page and its POST, and the staff's dossier page and its "record the fee payment" action: while a
supplement is pending, once paid, when nothing is due, and once the dossier is finished, refused
or withdrawn, no button is shown, a sentence says why, and a forced POST is refused with that
sentence in Vietnamese.
"""

import pytest
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierEvent, Payment, Status
from egov.dossiers.tests.factories import commune_procedure, draft_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db

RECORD_ACTION = 'id="action-pay_fee"'


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.tt"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.tt"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.tt"),
    }


@pytest.fixture
def owner(db):
    return make_user("congdan.tt", kind="citizen")


@pytest.fixture
def dossier(province, staff, owner) -> Dossier:
    """A received dossier with the 8.000 đ birth-registration fee, owned by the citizen."""
    dossier = receive(commune_procedure(), province.commune, staff["desk"])
    assert dossier.fee_amount == 8000
    dossier.citizen = owner
    dossier.save(update_fields=["citizen"])
    return dossier


def main(html: str) -> str:
    return html.split("<main", 1)[-1].split("</main>", 1)[0]


def pages(client, dossier: Dossier, owner, desk) -> dict[str, str]:
    """The three pages that may offer payment, as the citizen and the desk see them."""
    client.force_login(owner)
    mine = client.get(reverse("portal:citizen_dossier", args=[dossier.code]))
    pay = client.get(reverse("dossiers:pay", args=[dossier.code]))
    client.force_login(desk)
    detail = client.get(reverse("dossiers:detail", args=[dossier.code]))
    assert mine.status_code == pay.status_code == detail.status_code == 200
    return {"mine": mine.text, "pay": pay.text, "detail": detail.text}


def assert_refused(
    client, dossier: Dossier, owner, desk, sentence: str, *, shown_beside_fee: bool = True
) -> None:
    """No page offers payment, each says why, and POSTs change nothing."""
    seen = pages(client, dossier, owner, desk)
    assert reverse("dossiers:pay", args=[dossier.code]) not in seen["mine"]
    assert "<button" not in main(seen["pay"])
    assert sentence in seen["pay"]
    assert RECORD_ACTION not in seen["detail"]
    if shown_beside_fee:
        assert sentence in seen["mine"]
        assert sentence in seen["detail"]

    client.force_login(owner)
    refused = client.post(reverse("dossiers:pay", args=[dossier.code]))
    assert refused.status_code == 409
    assert sentence in refused.text
    assert f'href="{reverse("portal:citizen_dossier", args=[dossier.code])}"' in refused.text

    dossier.refresh_from_db()
    paid_before = dossier.fee_paid_at
    client.force_login(desk)
    forced = client.post(
        reverse("dossiers:act", args=[dossier.code, "pay_fee"]),
        {"expected_status": dossier.status, "method": "direct"},
        follow=True,
    )
    assert forced.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.code])
    assert sentence in forced.text
    dossier.refresh_from_db()
    assert dossier.fee_paid_at == paid_before
    assert not Payment.objects.exists()


def test_an_open_unpaid_dossier_offers_payment_everywhere(client, dossier, owner, staff):
    seen = pages(client, dossier, owner, staff["desk"])

    assert reverse("dossiers:pay", args=[dossier.code]) in seen["mine"]
    assert "<button" in main(seen["pay"])
    assert RECORD_ACTION in seen["detail"]
    assert "data-payment-refusal" not in seen["mine"] + seen["pay"] + seen["detail"]


def test_not_while_a_supplement_is_pending(client, dossier, owner, staff):
    services.forward_dossier(dossier, by=staff["desk"])
    services.request_supplement(dossier, by=staff["specialist"], missing=["Giấy chứng sinh"], reason="Thiếu")

    assert_refused(
        client,
        dossier,
        owner,
        staff["desk"],
        "Có thể nộp phí, lệ phí sau khi đã bổ sung các giấy tờ được yêu cầu.",
    )


def test_not_once_paid(client, dossier, owner, staff):
    services.record_fee_payment(dossier, by=staff["desk"], method="direct")

    # The pages say "paid"; the pay page and the refused POST say it is paid already.
    assert_refused(
        client,
        dossier,
        owner,
        staff["desk"],
        "Phí, lệ phí của hồ sơ này đã được thanh toán.",
        shown_beside_fee=False,
    )
    assert DossierEvent.objects.filter(dossier=dossier, kind="fee_paid").count() == 1


def test_not_when_nothing_is_due(client, province, staff, owner):
    dossier = receive(commune_procedure(fees=[]), province.commune, staff["desk"])
    Dossier.objects.filter(pk=dossier.pk).update(citizen=owner)

    assert_refused(
        client,
        dossier,
        owner,
        staff["desk"],
        "Hồ sơ này không phải nộp phí, lệ phí.",
        shown_beside_fee=False,  # no fee line at all on the dossier pages
    )


def test_not_once_withdrawn(client, dossier, owner, staff):
    services.withdraw_dossier(dossier, by=staff["desk"], reason="Công dân xin rút hồ sơ")
    assert dossier.status == Status.WITHDRAWN

    assert_refused(
        client,
        dossier,
        owner,
        staff["desk"],
        "Hồ sơ đã kết thúc (“Công dân yêu cầu rút hồ sơ”), không còn khoản nào phải nộp.",
    )


def test_not_once_refused(client, dossier, owner, staff):
    services.forward_dossier(dossier, by=staff["desk"])
    draft_result(dossier, staff["specialist"])
    services.complete_step(dossier, by=staff["specialist"])
    services.refuse_after_appraisal(dossier, by=staff["leader"], reason="Không đủ điều kiện")
    assert dossier.status == Status.RESOLVED

    assert_refused(
        client, dossier, owner, staff["desk"], "Hồ sơ đã bị từ chối giải quyết, không phải nộp phí, lệ phí."
    )
