from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.procedures import exchange, services


class Command(BaseCommand):
    help = (
        "Import publication decisions from an egov-catalogue/1 file (JSON or CSV). "
        "The whole file is checked first; if any row is wrong nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the catalogue file")
        parser.add_argument(
            "--dry-run", action="store_true", help="only check the file and report; write nothing"
        )
        parser.add_argument(
            "--format",
            choices=["json", "csv"],
            help="file format (default: from the file name, .csv or else JSON)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        fmt = options["format"] or exchange.guess_format(path.name)
        parsed = exchange.parse(content, fmt=fmt)
        report = services.import_catalogue(parsed, imported_by=None, dry_run=options["dry_run"])
        for line in report.error_lines():
            self.stderr.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s) in {path}; nothing was imported")
        for line in report.summary_lines():
            self.stdout.write(line)
        totals = ", ".join(f"{count} {change}" for change, count in report.totals.items())
        if report.dry_run:
            self.stdout.write(self.style.SUCCESS(f"dry run, nothing written: would import {totals}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"imported {totals}"))
