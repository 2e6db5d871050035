"""Every write to the catalogue goes through here: importing publication decisions.

A decision (quyết định công bố TTHC, Nghị định 63/2010/NĐ-CP Điều 15) publishes new, amended,
replacing and abolished procedures. Each publication becomes a new ProcedureVersion; versions are
never edited, so a dossier keeps the rules it was received under.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.core.text import fold
from egov.organization.models import Unit
from egov.procedures import exchange
from egov.procedures.exchange import (
    ABOLISHED,
    CHANGES,
    REPLACED,
    CatalogueError,
    DecisionSpec,
    EntrySpec,
    ParsedCatalogue,
    VersionSpec,
)
from egov.procedures.models import (
    Component,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    Sector,
    default_step_outputs,
)


@dataclass
class DecisionSummary:
    """What one decision of the file does (or would do): counts per change kind and each row."""

    number: str
    counts: dict[str, int]
    changes: list[tuple[str, str]]


@dataclass
class ImportReport:
    """The outcome of an import: the errors, or what was (dry run: would be) written."""

    dry_run: bool
    errors: list[CatalogueError] = field(default_factory=list)
    decisions: list[DecisionSummary] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def totals(self) -> dict[str, int]:
        totals = dict.fromkeys(CHANGES, 0)
        for decision in self.decisions:
            for change, count in decision.counts.items():
                totals[change] += count
        return totals

    def error_lines(self) -> list[str]:
        return [exchange.format_error(error) for error in self.errors]

    def summary_lines(self) -> list[str]:
        lines = []
        for decision in self.decisions:
            counts = decision.counts
            lines.append(
                _(
                    "Decision %(number)s: %(new)d new, %(amended)d amended, "
                    "%(replaced)d replacing, %(abolished)d abolished."
                )
                % {"number": decision.number, **counts}
            )
        return lines


def import_catalogue(
    document: ParsedCatalogue | Mapping[str, Any],
    *,
    imported_by: User | None,
    dry_run: bool,
) -> ImportReport:
    """Validate a whole catalogue file and, if nothing is wrong and not a dry run, import it.

    `document` is a decoded JSON document or the result of exchange.parse_json / parse_csv. Any
    error anywhere means nothing at all is written; otherwise everything is written in one
    transaction, so a file is imported completely or not at all.
    """
    parsed = document if isinstance(document, ParsedCatalogue) else exchange.parse_json(document)
    report = ImportReport(dry_run=dry_run)
    if dry_run:
        _check(parsed, report)
        return report
    with transaction.atomic():
        # Checked inside the transaction (SQLite takes the write lock at BEGIN), so two imports
        # of the same decision cannot both pass the duplicate-number check.
        if _check(parsed, report):
            _write(parsed, imported_by=imported_by)
            report.imported = True
    return report


def _check(parsed: ParsedCatalogue, report: ImportReport) -> bool:
    exchange.check_references(parsed)
    report.errors = list(parsed.errors)
    report.decisions = [_summary(decision) for decision in parsed.decisions]
    return report.ok


def _summary(decision: DecisionSpec) -> DecisionSummary:
    counts = dict.fromkeys(CHANGES, 0)
    for entry in decision.entries:
        if entry.change in counts:
            counts[entry.change] += 1
    return DecisionSummary(
        number=decision.number,
        counts=counts,
        changes=[(entry.code, entry.change) for entry in decision.entries],
    )


class _Writer:
    """Writes a checked catalogue: caches what it reads so a big file costs few queries."""

    def __init__(self, parsed: ParsedCatalogue) -> None:
        entries = [entry for decision in parsed.decisions for entry in decision.entries]
        codes = {e.code for e in entries} | {e.replaces for e in entries if e.replaces}
        self.procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        self.last_number: dict[str, int] = dict(
            ProcedureVersion.objects.filter(procedure__code__in=codes)
            .values("procedure__code")
            .annotate(last=Max("number"))
            .values_list("procedure__code", "last")
        )
        sector_codes = {e.version.sector_code for e in entries if e.version is not None}
        self.sectors = {s.code: s for s in Sector.objects.filter(code__in=sector_codes)}
        # Checked to exist by exchange.check_references; read once for the whole file.
        self.units = {
            u.identifier: u for u in Unit.objects.filter(identifier__in=exchange.unit_identifiers(parsed))
        }
        self.components: list[Component] = []
        self.fees: list[Fee] = []
        self.steps: list[ProcessStep] = []

    def sector(self, spec: VersionSpec) -> Sector:
        sector = self.sectors.get(spec.sector_code)
        if sector is None:
            sector = Sector.objects.create(code=spec.sector_code, name=spec.sector_name)
            self.sectors[sector.code] = sector
        elif sector.name != spec.sector_name:
            # The latest decision names the sector as it is called today.
            sector.name = spec.sector_name
            sector.save(update_fields=["name"])
        return sector

    def publish(self, decision: PublicationDecision, entry: EntrySpec) -> ProcedureVersion:
        """A new version of the entry's procedure, which becomes the one in force."""
        spec = entry.version
        assert spec is not None  # checked: only abolished rows carry no version
        sector = self.sector(spec)
        procedure = self.procedures.get(entry.code)
        if procedure is None:
            procedure = Procedure.objects.create(code=entry.code)
            self.procedures[entry.code] = procedure
        number = self.last_number.get(entry.code, 0) + 1
        self.last_number[entry.code] = number
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=number,
            decision=decision,
            change=entry.change,
            name=spec.name,
            sector=sector,
            levels=list(spec.levels),
            competent_authority=spec.competent_authority,
            competent_unit=self.units[spec.competent_unit] if spec.competent_unit else None,
            applicant_types=list(spec.applicant_types),
            time_limit_value=spec.time_limit_value,
            time_limit_unit=spec.time_limit_unit,
            forward_cutoff=spec.forward_cutoff,
            legal_basis=spec.legal_basis,
            result=spec.result,
            conditions=spec.conditions,
            online_level=spec.online_level,
            where_to_submit=spec.where_to_submit,
            form_schema=dict(spec.form_schema),
            search_text=fold(f"{entry.code} {spec.name} {sector.name}"),
        )
        self.components += [
            Component(
                version=version,
                position=position,
                name=c.name,
                originals=c.originals,
                certified_copies=c.certified_copies,
                copies=c.copies,
                form=c.form,
                is_required=c.required,
            )
            for position, c in enumerate(spec.components, start=1)
        ]
        self.fees += [
            Fee(
                version=version,
                position=position,
                description=f.description,
                amount=f.amount,
                kind=f.kind,
                min_quantity=f.min_quantity,
                form_field=f.form_field,
                form_value=f.form_value,
            )
            for position, f in enumerate(spec.fees, start=1)
        ]
        outputs = default_step_outputs([s.role for s in spec.steps])
        self.steps += [
            ProcessStep(
                version=version,
                position=position,
                name=s.name,
                role=s.role,
                performer=s.performer,
                unit=self.units[s.unit] if s.unit else None,
                hours=s.hours,
                output=output,
            )
            for position, (s, output) in enumerate(zip(spec.steps, outputs, strict=True), start=1)
        ]
        # A "new" row may reuse the code of an abolished or replaced procedure: it is in force again.
        procedure.current_version = version
        procedure.is_abolished = False
        procedure.replaced_by = None
        procedure.save(update_fields=["current_version", "is_abolished", "replaced_by"])
        if entry.change == REPLACED and entry.replaces:
            replaced = self.procedures[entry.replaces]
            replaced.replaced_by = procedure
            replaced.save(update_fields=["replaced_by"])
        return version

    def abolish(self, entry: EntrySpec) -> None:
        # The current version stays: dossiers received under it and the public history need it.
        procedure = self.procedures[entry.code]
        procedure.is_abolished = True
        procedure.save(update_fields=["is_abolished"])

    def finish(self) -> None:
        Component.objects.bulk_create(self.components, batch_size=500)
        Fee.objects.bulk_create(self.fees, batch_size=500)
        ProcessStep.objects.bulk_create(self.steps, batch_size=500)


def _write(parsed: ParsedCatalogue, *, imported_by: User | None) -> None:
    writer = _Writer(parsed)
    for spec in parsed.decisions:
        # Checked before writing: a decision with a bad date never gets here.
        assert spec.signed_on is not None
        assert spec.effective_from is not None
        decision = PublicationDecision.objects.create(
            number=spec.number,
            signed_on=spec.signed_on,
            effective_from=spec.effective_from,
            issuer=spec.issuer,
            title=spec.title,
        )
        changes: list[dict[str, Any]] = []
        for entry in spec.entries:
            if entry.change == ABOLISHED:
                writer.abolish(entry)
                changes.append({"code": entry.code, "change": entry.change})
            else:
                version = writer.publish(decision, entry)
                row: dict[str, Any] = {
                    "code": entry.code,
                    "change": entry.change,
                    "version": version.number,
                }
                if entry.replaces:
                    row["replaces"] = entry.replaces
                changes.append(row)
        audit.record(
            actor=imported_by,
            action="catalogue.imported",
            target=decision,
            after={
                "number": decision.number,
                "counts": _summary(spec).counts,
                "changes": changes,
            },
        )
    writer.finish()


# --- Local settings of a version ----------------------------------------------------------------


def set_forward_cutoff(version: ProcedureVersion, cutoff: dt.time | None, *, by: User) -> ProcedureVersion:
    """Set the hour after which a desk dossier of this version is forwarded the next working morning.

    The one field of a version the province sets itself rather than the decision: ND 61/2018
    Điều 18 fixes 15:00 and lets a procedure carry its own (vn-standards.md checklist 53). A dossier
    stores its forwarding deadline at receipt, so a change here never moves an old one.
    """
    # Read from the row: the admin's form has already put the new value on `version`.
    before = ProcedureVersion.objects.values_list("forward_cutoff", flat=True).get(pk=version.pk)
    version.forward_cutoff = cutoff
    version.save(update_fields=["forward_cutoff"])
    audit.record(
        actor=by,
        action="catalogue.forward_cutoff_set",
        target=version,
        before={"forward_cutoff": before.strftime("%H:%M") if before else None},
        after={"forward_cutoff": cutoff.strftime("%H:%M") if cutoff else None},
    )
    return version


# --- Export ------------------------------------------------------------------------------------


def export_catalogue(*, codes: Iterable[str] | None = None) -> dict[str, Any]:
    """The procedures in force as an `egov-catalogue/1` document.

    Each current version is listed as "new" under (a copy of) the decision that published it, so
    importing the export into an empty database reproduces the same procedures in force with the
    same content. History (old versions, abolished and replaced procedures) is not exported.
    """
    versions = (
        ProcedureVersion.objects.in_force()
        .select_related("procedure", "sector", "decision", "competent_unit")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.order_by("position")),
            Prefetch("fees", queryset=Fee.objects.order_by("position")),
            Prefetch("steps", queryset=ProcessStep.objects.select_related("unit").order_by("position")),
        )
        .order_by("decision__signed_on", "decision__number", "procedure__code")
    )
    if codes is not None:
        versions = versions.filter(procedure__code__in=list(codes))
    decisions: dict[int, dict[str, Any]] = {}
    for version in versions:
        decision = decisions.get(version.decision_id)
        if decision is None:
            decision = {**exchange.decision_header(version.decision), "procedures": []}
            decisions[version.decision_id] = decision
        decision["procedures"].append(exchange.version_entry(version))
    return {"format": exchange.FORMAT, "decisions": list(decisions.values())}


def export_catalogue_csv(*, codes: Iterable[str] | None = None) -> str:
    """The same export as CSV."""
    return exchange.to_csv(export_catalogue(codes=codes))
