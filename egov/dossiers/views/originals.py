"""The desk's forms for the originals it takes and returns (services.originals, ND 61/2018 Điều 20)."""

from typing import Any

from django import forms as django_forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.models import User
from egov.documents.models import Document
from egov.dossiers import services
from egov.dossiers.forms import ActionForm
from egov.dossiers.models import Dossier, DossierComponent


class _PaperChoice(django_forms.ModelMultipleChoiceField[DossierComponent]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TakeOriginalsForm(ActionForm):
    components = _PaperChoice(
        label=gettext_lazy("Originals taken"),
        queryset=DossierComponent.objects.none(),
        widget=django_forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["components"]
        assert isinstance(field, django_forms.ModelMultipleChoiceField)
        field.queryset = self.dossier.components.filter(original_received_at__isnull=True)


class ReturnOriginalsForm(ActionForm):
    components = _PaperChoice(
        label=gettext_lazy("Originals returned"),
        queryset=DossierComponent.objects.none(),
        widget=django_forms.CheckboxSelectMultiple,
    )
    returned_to = django_forms.CharField(label=gettext_lazy("Returned to"), max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["components"]
        assert isinstance(field, django_forms.ModelMultipleChoiceField)
        field.queryset = self.dossier.components.filter(
            original_received_at__isnull=False, original_returned_at__isnull=True
        )
        if not self.is_bound:  # at the hand-over the desk usually gives every original back
            self.initial.setdefault("components", list(field.queryset))
            self.initial.setdefault("returned_to", self.dossier.applicant_name)


def run_take(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.take_originals(dossier, by=user, components=list(form.cleaned_data["components"]))
    return _("The originals taken were recorded.")


def run_return(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.return_originals(
        dossier,
        by=user,
        components=list(form.cleaned_data["components"]),
        returned_to=form.cleaned_data["returned_to"],
    )
    return _("The return of the originals was recorded.")
