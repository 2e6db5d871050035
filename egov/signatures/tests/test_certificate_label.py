"""The certificate list of the signing card names each one short, with its expiry day (walk, 3b)."""

import re

from django.utils import translation

from egov.core import display
from egov.signatures.forms import CertificateChoiceField


def test_a_certificate_is_named_by_kind_holder_and_expiry_day(leader_cert):
    with translation.override("vi"):
        label = CertificateChoiceField(queryset=None).label_from_instance(leader_cert)
    day = display.day(leader_cert.not_after)
    assert label == f"{leader_cert.get_kind_display()} — {leader_cert.common_name}, hết hạn {day}"
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", day)
