"""Financial obligations (status 6), stopping (status 8), papers reached through the dossier, search."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.models import Status
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.p"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "cv.p"),
        "leader": make_member(Role.LEADER, province.commune, "ld.p"),
    }


@pytest.fixture
def processing(province, staff):
    dossier = receive(commune_procedure(), province.commune, staff["desk"], name="Đặng Thị Huệ")
    services.forward_dossier(dossier, by=staff["desk"])
    return dossier


def test_a_payment_request_waits_for_the_fee_then_processing_goes_on(processing, staff):
    services.request_payment(processing, by=staff["specialist"], reason="Nộp lệ phí 8.000 đồng")
    assert processing.status == Status.PAYMENT_REQUESTED

    services.record_fee_payment(processing, by=staff["desk"], method="direct")

    assert processing.status == Status.PROCESSING
    assert processing.fee_payment_method == "direct"
    with pytest.raises(ValidationError):
        services.record_fee_payment(processing, by=staff["desk"], method="direct")


def test_only_the_receiving_desk_records_a_direct_payment(processing, staff, outsider):
    with pytest.raises(PermissionDenied):
        services.record_fee_payment(processing, by=outsider, method="direct")
    with pytest.raises(PermissionDenied):
        services.record_fee_payment(processing, by=None, method="direct")
    assert processing.fee_paid_at is None


def test_the_leader_stops_processing_with_a_reason(processing, staff):
    with pytest.raises(PermissionDenied):
        services.stop_processing(processing, by=staff["specialist"], reason="Quá hạn bổ sung")

    services.stop_processing(processing, by=staff["leader"], reason="Quá hạn bổ sung")

    assert processing.status == Status.STOPPED
    assert processing.closed_at is not None


def test_papers_are_reached_through_the_dossier_and_hidden_from_outsiders(
    client, processing, staff, outsider
):
    component = processing.components.exclude(document=None).first()
    url = reverse("dossiers:file", args=[processing.code, component.document_id])

    client.force_login(staff["specialist"])
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_document_not_linked_to_the_dossier_is_404(client, processing, staff, province):
    from egov.dossiers.tests.factories import scanned

    other = scanned(province.commune, staff["desk"], "Không thuộc hồ sơ")
    client.force_login(staff["desk"])

    assert client.get(reverse("dossiers:file", args=[processing.code, other.pk])).status_code == 404


def test_queue_search_ignores_accents(client, processing, staff):
    client.force_login(staff["desk"])

    response = client.get(reverse("dossiers:queue"), {"tab": "unit", "q": "dang thi hue"})

    assert processing.code in response.content.decode()
