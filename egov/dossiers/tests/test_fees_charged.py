"""What a dossier is charged: the desk or the citizen picks the lines (or the e-form decides), and
the dossier, the receipt (Mẫu 01), the payment, the fee receipt and the API all say the same amount.

Issue 11 item 3: the judicial record's lines (200.000 đ standard, 100.000 đ reduced, 5.000 đ per
extra copy) were summed, so the citizen was charged 305.000 đ. Item 7: payment is offered only
when it can be made.
"""

import re

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone

from egov.dossiers.models import Dossier, DossierFee, Payment, Status
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.dossiers.tests.online_factories import FORM, citizen, online_procedure
from egov.dossiers.tests.test_views_intake import form_url, intake_data
from egov.integrations import payment_gateway as gateway
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

LLTP = [
    {"description": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200000, "kind": "alternative"},
    {
        "description": "Phí cung cấp thông tin lý lịch tư pháp đối với sinh viên, người có công",
        "amount": 100000,
        "kind": "alternative",
    },
    {
        "description": "Phí cấp từ Phiếu thứ 3 trở đi (mỗi Phiếu)",
        "amount": 5000,
        "kind": "per_unit",
        "min_quantity": 0,
    },
]
EFORM = {
    "fields": [
        {"name": "muc_dich", "label": "Mục đích", "type": "text", "required": True},
        {
            "name": "doi_tuong",
            "label": "Đối tượng",
            "type": "select",
            "required": True,
            "choices": ["Công dân", "Sinh viên"],
        },
        {"name": "so_phieu_them", "label": "Số Phiếu thêm", "type": "integer", "min": 0},
    ]
}


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"


@pytest.fixture
def desk(province):
    return make_member(Role.DESK_OFFICER, province.commune, "motcua.dh")


def lines(version):
    return list(version.fees.order_by("position"))


def pdf_text(content: bytes) -> str:
    pdf = pdfium.PdfDocument(content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pdf.close()
    return re.sub(r"\s+", " ", text)


def pay_through_ipn(client, payment: Payment) -> None:
    """The gateway's signed, server-to-server confirmation of the order, as the simulator sends it."""
    params = gateway.signed(
        {
            "version": gateway.VERSION,
            "merchant": gateway.merchant(),
            "order_id": payment.order_id,
            "amount": str(payment.amount),
            "order_info": "Thanh toan",
            "response_code": gateway.SUCCESS,
            "transaction_no": "14000001",
            "bank_code": "NCB",
            "pay_date": gateway.format_date(timezone.now()),
        }
    )
    assert client.post(reverse("dossiers:payment_ipn"), params).json()["RspCode"] == "00"


def test_the_desk_picks_the_reduced_rate_and_every_paper_says_100_000(client, province, desk):
    version = commune_procedure(fees=LLTP)
    standard, reduced, extra = lines(version)
    client.force_login(desk)

    form = client.get(form_url(version), **EN)
    assert f'name="fee_alternative" value="{standard.pk}"' in form.text
    assert f'name="fee_quantity_{extra.pk}"' in form.text
    response = client.post(
        form_url(version),
        intake_data(version, province.commune, fee_alternative=reduced.pk, **{f"fee_quantity_{extra.pk}": 0}),
    )
    assert response.status_code == 302, response.text

    dossier = Dossier.objects.get()
    assert dossier.fee_amount == 100_000
    assert list(DossierFee.objects.filter(dossier=dossier).values_list("fee", "quantity", "amount")) == [
        (reduced.pk, 1, 100_000)
    ]
    # The staff page, the receipt handed over (Mẫu 01) and the API.
    assert "100.000 đ" in client.get(reverse("dossiers:detail", args=[dossier.code])).text
    receipt = client.get(reverse("dossiers:print", args=[dossier.code, "01"]))
    assert "Phí, lệ phí: 100.000 đồng" in pdf_text(receipt.content)
    api = client.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert api["fee_amount"] == 100_000
    assert [(f["catalogue_position"], f["kind"], f["quantity"], f["amount"]) for f in api["fee_lines"]] == [
        (2, "alternative", 1, 100_000)
    ]

    # The citizen pays it online: the order, the gateway's amount and the fee receipt agree.
    owner = citizen()
    Dossier.objects.filter(pk=dossier.pk).update(citizen=owner)
    client.force_login(owner)
    page = client.get(reverse("dossiers:pay", args=[dossier.code]))
    assert 'data-amount="100000"' in page.text
    assert "Phí cung cấp thông tin lý lịch tư pháp đối với sinh viên" in page.text
    assert "Phí cung cấp thông tin lý lịch tư pháp</td>" not in page.text  # the standard rate is not charged
    started = client.post(reverse("dossiers:pay", args=[dossier.code]))
    assert started.status_code == 302
    assert "amount=100000" in started["Location"]
    payment = Payment.objects.get()
    assert payment.amount == 100_000
    pay_through_ipn(client, payment)
    payment.refresh_from_db()
    receipt_page = client.get(reverse("dossiers:payment_receipt", args=[payment.order_id]))
    assert 'data-amount="100000"' in receipt_page.text
    assert "Một trăm nghìn đồng" in receipt_page.text
    assert f'href="{reverse("portal:citizen_dossier", args=[dossier.code])}"' in receipt_page.text
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None
    assert dossier.events.get(kind="fee_paid").data["amount"] == 100_000


def test_the_desk_is_told_when_a_quantity_is_impossible(client, province, desk):
    version = commune_procedure(fees=LLTP)
    _standard, _reduced, extra = lines(version)
    client.force_login(desk)

    response = client.post(
        form_url(version), intake_data(version, province.commune, **{f"fee_quantity_{extra.pk}": -2}), **EN
    )

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.text
    assert not Dossier.objects.exists()


def submit_online(client, version, owner, unit, **fields) -> Dossier:
    client.force_login(owner)
    client.post(reverse("portal:online_start", args=[version.procedure.code]))
    draft = owner.dossier_drafts.get()
    paper = version.components.get(form="")
    from egov.dossiers.tests.factories import tiny_pdf

    data = {"do": "submit", "receiving_unit": unit.pk, f"file_{paper.pk}": tiny_pdf(), **FORM, **fields}
    response = client.post(reverse("portal:online_draft", args=[draft.pk]), data, **EN)
    assert response.status_code == 302, response.text
    return Dossier.objects.get(citizen=owner)


def test_a_citizen_online_with_two_extra_copies_is_charged_210_000(client, province):
    version = online_procedure("2.000488", fees=LLTP)
    standard, _reduced, extra = lines(version)
    owner = citizen()
    client.force_login(owner)
    client.post(reverse("portal:online_start", args=[version.procedure.code]))
    draft = owner.dossier_drafts.get()

    page = client.get(reverse("portal:online_draft", args=[draft.pk]))
    assert f'name="phi-fee_alternative" value="{standard.pk}"' in page.text
    saved = client.post(
        reverse("portal:online_draft", args=[draft.pk]),
        {"do": "save", "phi-fee_alternative": standard.pk, f"phi-fee_quantity_{extra.pk}": 2},
    )
    assert saved.status_code == 302
    assert 'data-amount="210000"' in client.get(reverse("portal:online_draft", args=[draft.pk])).text

    dossier = submit_online(
        client,
        version,
        owner,
        province.commune,
        **{"phi-fee_alternative": standard.pk, f"phi-fee_quantity_{extra.pk}": 2},
    )

    assert dossier.fee_amount == 210_000
    assert list(dossier.fee_lines.values_list("fee", "quantity", "amount")) == [
        (standard.pk, 1, 200_000),
        (extra.pk, 2, 10_000),
    ]
    assert 'data-amount="210000"' in client.get(reverse("dossiers:pay", args=[dossier.code])).text


def test_the_e_form_decides_the_rate_and_the_copies(client, province):
    fees = [
        LLTP[0],
        {**LLTP[1], "when": {"field": "doi_tuong", "equals": "Sinh viên"}},
        {**LLTP[2], "quantity_field": "so_phieu_them"},
    ]
    version = online_procedure("2.000488", fees=fees, form=EFORM)
    owner = citizen()
    client.force_login(owner)
    client.post(reverse("portal:online_start", args=[version.procedure.code]))
    page = client.get(reverse("portal:online_draft", args=[owner.dossier_drafts.get().pk]), **EN)
    assert "phi-fee_alternative" not in page.text  # nothing to pick: the answers decide
    assert "set by your answers in the e-form" in page.text

    dossier = submit_online(
        client,
        version,
        owner,
        province.commune,
        muc_dich="Xin việc",
        doi_tuong="Sinh viên",
        so_phieu_them="2",
    )

    assert dossier.fee_amount == 110_000


def test_payment_is_not_offered_while_papers_are_asked_for(client, province, desk):
    version = commune_procedure(fees=LLTP)
    client.force_login(desk)
    standard = lines(version)[0]
    data = intake_data(
        version, province.commune, do="supplement", missing="Giấy chứng sinh", reason="Thiếu giấy chứng sinh"
    )
    response = client.post(form_url(version), {**data, "fee_alternative": standard.pk})
    assert response.status_code == 302, response.text
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    staff_page = client.get(reverse("dossiers:detail", args=[dossier.code]), **EN)
    assert "Record the fee payment" not in staff_page.text

    owner = citizen()
    Dossier.objects.filter(pk=dossier.pk).update(citizen=owner)
    client.force_login(owner)
    mine = client.get(reverse("portal:citizen_dossier", args=[dossier.code]), **EN)
    assert reverse("dossiers:pay", args=[dossier.code]) not in mine.text
    page = client.get(reverse("dossiers:pay", args=[dossier.code]), **EN)
    assert "The fee can be paid once the papers asked for are supplied." in page.text
    assert "<button" not in page.text.split("<main", 1)[-1].split("</main>")[0]
    assert f'href="{reverse("portal:citizen_dossier", args=[dossier.code])}"' in page.text
    refused = client.post(reverse("dossiers:pay", args=[dossier.code]), **EN)
    assert refused.status_code == 409
    assert "supplement_pending" in refused.text or "papers asked for" in refused.text
    assert not Payment.objects.exists()


def test_once_received_the_payment_is_offered_again(client, province, desk):
    dossier = receive(commune_procedure(fees=LLTP), province.commune, desk)
    owner = citizen()
    Dossier.objects.filter(pk=dossier.pk).update(citizen=owner)
    client.force_login(owner)

    mine = client.get(reverse("portal:citizen_dossier", args=[dossier.code]), **EN)

    assert reverse("dossiers:pay", args=[dossier.code]) in mine.text
    assert dossier.fee_amount == 200_000
