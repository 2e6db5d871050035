"""Forms of the documents screens; the file itself is checked by egov.documents.validation."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.documents.permissions import AnyUser, units_for_new_documents
from egov.documents.validation import TYPE_BY_EXTENSION
from egov.organization.forms import UnitChoiceField

ACCEPT = ",".join(sorted(TYPE_BY_EXTENSION))


class FileForm(forms.Form):
    """A new version of a document."""

    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, JPEG, PNG or TIFF scans; DOCX, XLSX or ODT attachments."),
    )


class DocumentForm(FileForm):
    """A new document: its title, owning unit and first file."""

    title = forms.CharField(label=_("Title"), max_length=500)
    unit = UnitChoiceField(label=_("Unit"), empty_label=None)

    field_order = ["title", "unit", "file"]

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        # Only units the user may add to are offered (and accepted).
        unit_field.queryset = units_for_new_documents(user)
