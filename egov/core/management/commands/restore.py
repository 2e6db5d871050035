from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured (empty) database and MEDIA_ROOT, then check the row "
        "counts, every file's checksum and the audit chains against their anchors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="an egov-backup-<time>.tar from manage.py backup")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(f"the restore does NOT match the backup: {len(report.problems)} problem(s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"restored and checked: {report.tables} tables, {report.rows} rows, {report.files} files, "
                f"audit log intact ({report.audit_entries} entries, {report.audit_anchors} anchors)"
            )
        )
