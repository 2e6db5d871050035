"""Reads of the catalogue: search and the detail of what a procedure requires today."""

from django.db.models import Prefetch, QuerySet

from egov.core.text import search_terms
from egov.procedures.models import Component, Fee, ProcedureVersion, ProcessStep, Sector


def search_procedures(
    query: str = "",
    *,
    sector: str = "",
    level: str = "",
    online_level: str = "",
) -> QuerySet[ProcedureVersion]:
    """Procedures in force matching every word of the query, accents ignored ("ho tich" ≈ "hộ tịch")."""
    versions: QuerySet[ProcedureVersion] = ProcedureVersion.objects.in_force().select_related(
        "procedure", "sector"
    )
    for term in search_terms(query):
        versions = versions.filter(search_text__contains=term)
    if sector:
        versions = versions.filter(sector__code=sector)
    if level:
        versions = _with_level(versions, level)
    if online_level:
        versions = versions.filter(online_level=online_level)
    return versions.order_by("sector__name", "name")


def _with_level(versions: QuerySet[ProcedureVersion], level: str) -> QuerySet[ProcedureVersion]:
    # JSON containment differs between SQLite and PostgreSQL; the level list is stored as a
    # JSON array of slugs, so a quoted substring match is exact on both.
    return versions.filter(levels__icontains=f'"{level}"')


def sectors_in_force() -> QuerySet[Sector]:
    """Sectors that have at least one procedure in force, for the catalogue filter."""
    live = ProcedureVersion.objects.in_force().values("sector_id")
    return Sector.objects.filter(pk__in=live).order_by("name")


def version_with_details(version_id: int) -> ProcedureVersion:
    """One version with its competent unit, components, fees and steps (with their units): four queries."""
    return (
        ProcedureVersion.objects.select_related("procedure", "sector", "decision", "competent_unit")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.order_by("position")),
            Prefetch("fees", queryset=Fee.objects.order_by("position")),
            Prefetch("steps", queryset=ProcessStep.objects.select_related("unit").order_by("position")),
        )
        .get(pk=version_id)
    )
