"""Form fields that choose units: in Vietnamese alphabetical order, filterable by typing.

A province has a hundred and more units (92 communes and wards in the demo); a select of them in
tree order, or in the byte order of the database, hides "Xã Đồng Hỷ" after "Xã Võ Nhai".
`static/egov/select-filter.js` puts a search box above any select marked `data-filter`;
without JavaScript the select works as it is.

Units in force come first. The districts dissolved on 1/7/2025 (Luật Tổ chức chính quyền địa
phương 2025: two tiers) stay in the data for the dossiers they received, so a queryset may hold
them; they are offered apart, under "Dissolved units", never mixed with today's. Every commune
has its "Phòng Kinh tế": a name other units share is followed by its parent's ("Phòng Kinh tế —
UBND xã Đồng Hỷ"), and by the grandparent's when the parents share a name too.
"""

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core.text import collation_key
from egov.organization.models import Unit
from egov.organization.naming import short_authority_name

FILTER_ATTRS = {"data-filter": _("Type to filter the list")}
DISSOLVED_GROUP = _("Dissolved units")
SEPARATOR = " — "


def distinct_labels(units: list[Unit]) -> dict[int, str]:
    """Each unit's name, with as many of its ancestors as tell it apart from the others'."""
    labels = {unit.pk: unit.name for unit in units}
    clashing = _clashes(units, labels)
    if not clashing:
        return labels
    ancestor_ids = {pk for unit in clashing for pk in unit.ancestor_ids() if pk != unit.pk}
    ancestors = Unit.objects.in_bulk(ancestor_ids)
    chains = {
        unit.pk: [ancestors[pk] for pk in reversed(unit.ancestor_ids()) if pk != unit.pk and pk in ancestors]
        for unit in clashing
    }
    depth = 0
    while clashing:
        depth += 1
        for unit in clashing:
            names = [short_authority_name(ancestor) for ancestor in chains[unit.pk][:depth]]
            labels[unit.pk] = SEPARATOR.join([unit.name, *names])
        # Stop when told apart, or when no unit has a further ancestor to add.
        clashing = [unit for unit in _clashes(units, labels) if len(chains.get(unit.pk, [])) > depth]
    return labels


def _clashes(units: list[Unit], labels: dict[int, str]) -> list[Unit]:
    counts = Counter(labels[unit.pk].casefold() for unit in units)
    return [unit for unit in units if counts[labels[unit.pk].casefold()] > 1]


class _ByName(forms.models.ModelChoiceIterator[Unit]):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = list(self.queryset)
        labels = distinct_labels(units)

        def choices(*, in_force: bool) -> list[tuple[Any, str]]:
            chosen = [unit for unit in units if (unit.dissolved_on is None) == in_force]
            chosen.sort(key=lambda unit: (collation_key(unit.name), collation_key(labels[unit.pk])))
            return [(self.choice(unit)[0], labels[unit.pk]) for unit in chosen]

        yield from choices(in_force=True)
        if dissolved := choices(in_force=False):
            yield (DISSOLVED_GROUP, dissolved)


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
