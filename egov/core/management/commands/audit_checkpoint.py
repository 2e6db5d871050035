from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core import audit_anchors


class Command(BaseCommand):
    help = (
        "Anchor every audit chain's head outside the database: a checkpoint time-stamped by the "
        "TSA, appended to EGOV_AUDIT_ANCHOR_DIR (the task worker also does it periodically)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-changed", action="store_true", help="write nothing when no chain grew since the last one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            anchor = audit_anchors.checkpoint(only_if_changed=options["if_changed"])
        except audit_anchors.SealError as error:
            raise CommandError(f"no checkpoint written: {error}") from error
        if anchor is None:
            self.stdout.write("no chain grew since the last checkpoint: nothing written")
            return
        self.stdout.write(
            self.style.SUCCESS(f"checkpoint of {len(anchor.chains)} chains written to {anchor.where}")
        )
