"""Forms of the signing screens: the PIN is a password field that the browser must not keep."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core import display
from egov.signatures.models import SigningCertificate
from egov.signatures.signing import LEVELS

LEVEL_CHOICES = [
    ("B-B", _("PAdES B-B (signature only)")),
    ("B-T", _("PAdES B-T (with a trusted time stamp)")),
    ("B-LT", _("PAdES B-LT (time stamp and validation data, for long-term checking)")),
]
assert [code for code, _label in LEVEL_CHOICES] == list(LEVELS)


class CertificateChoiceField(forms.ModelChoiceField[SigningCertificate]):
    def label_from_instance(self, obj: SigningCertificate) -> str:
        # The expiry is a moment: shown as its day in Vietnam, as on every other page. Short enough
        # for the signing card (a certificate differs from another of the holder's by its expiry).
        expires = display.day(obj.not_after)
        return _("%(kind)s — %(name)s, expires %(day)s") % {
            "kind": obj.get_kind_display(),
            "name": obj.common_name,
            "day": expires,
        }


def _pin_field() -> forms.CharField:
    return forms.CharField(
        label=_("PIN"),
        max_length=64,
        strip=False,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SignForm(forms.Form):
    certificate = CertificateChoiceField(queryset=SigningCertificate.objects.none(), label=_("Certificate"))
    level = forms.ChoiceField(choices=LEVEL_CHOICES, initial="B-T", label=_("Signature level"))
    pin = _pin_field()

    def __init__(self, *args: Any, certificates: list[SigningCertificate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, CertificateChoiceField)
        field.queryset = SigningCertificate.objects.filter(pk__in=[c.pk for c in certificates])
        if len(certificates) == 1:
            field.initial = certificates[0].pk


class BatchForm(SignForm):
    field_order = ["versions", "certificate", "level", "pin"]  # what to sign, then how

    versions = forms.TypedMultipleChoiceField(
        coerce=int, label=_("Documents awaiting your signature"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, version_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["versions"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = version_choices


class UploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    file = forms.FileField(label=_("Signed PDF file"))
