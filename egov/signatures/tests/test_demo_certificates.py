"""The demo seed's certificates: every leader and clerk gets one, every unit with a clerk a seal."""

from egov.signatures import services
from egov.signatures.models import SigningCertificate


def test_ensure_demo_certificates_is_idempotent(leader, clerk, specialist, province):
    assert services.ensure_demo_certificates() == 3  # leader, clerk, and the seal of Sở Tư pháp
    assert services.ensure_demo_certificates() == 0
    assert SigningCertificate.objects.filter(owner=specialist).count() == 0
    seal = SigningCertificate.objects.get(kind="seal")
    assert seal.unit == province.department
    assert seal.common_name == "Sở Tư pháp"
    personal = SigningCertificate.objects.get(owner=leader)
    assert "O=Sở Tư pháp" in personal.subject
    assert "L=Thái Nguyên" in personal.subject
