from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.procedures import exchange, services


class Command(BaseCommand):
    help = "Export the procedures in force as an egov-catalogue/1 file (JSON or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="write to this file instead of standard output")
        parser.add_argument(
            "--code", action="append", dest="codes", help="export only this code (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        document = services.export_catalogue(codes=options["codes"])
        as_csv = options["format"] == "csv"
        text = exchange.to_csv(document) if as_csv else exchange.to_json(document)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8", newline="")
            count = sum(len(d["procedures"]) for d in document["decisions"])
            self.stderr.write(f"exported {count} procedure(s) to {options['output']}")
        else:
            self.stdout.write(text, ending="")
