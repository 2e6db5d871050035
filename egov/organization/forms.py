"""Form fields that choose units: in Vietnamese alphabetical order, filterable by typing.

A province has a hundred and more units (92 communes and wards in the demo); a select of them in
tree order, or in the byte order of the database, hides "Xã Đồng Hỷ" after "Xã Võ Nhai".
`static/egov/select-filter.js` puts a search box above any select marked `data-filter`;
without JavaScript the select works as it is.
"""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core.text import collation_key
from egov.organization.models import Unit

FILTER_ATTRS = {"data-filter": _("Type to filter the list")}


class _ByName(forms.models.ModelChoiceIterator[Unit]):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for unit in sorted(self.queryset, key=lambda unit: collation_key(unit.name)):
            yield self.choice(unit)


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    """One unit, the choices sorted by name."""

    iterator = _ByName

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Unit.objects.none())
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(FILTER_ATTRS)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField[Unit]):
    """Several units, the choices sorted by name."""

    iterator = _ByName

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Unit.objects.none())
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(FILTER_ATTRS)
