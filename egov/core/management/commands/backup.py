from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive (docs/howto/deploy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="where to write egov-backup-<time>.tar")
        parser.add_argument("--keep", type=int, default=None, help="delete all but the newest N archives")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = backup(options["directory"], keep=options["keep"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"backup written: {archive}"))
