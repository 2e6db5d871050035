import datetime as dt
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from egov.documents.models import DocumentVersion


class Command(BaseCommand):
    help = "Delete stored files no document version refers to (left by a crash between write and commit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=int, default=3600, help="seconds; younger files may be in flight"
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - dt.timedelta(seconds=options["older_than"])
        removed = 0
        for key in _walk("documents"):
            if DocumentVersion.objects.filter(Q(file=key) | Q(preview=key)).exists():
                continue
            if default_storage.get_modified_time(key) > cutoff:
                continue
            removed += 1
            if not options["dry_run"]:
                default_storage.delete(key)
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(f"{verb} {removed} orphan file(s)")


def _walk(prefix: str) -> list[str]:
    if not default_storage.exists(prefix):
        return []
    folders, files = default_storage.listdir(prefix)
    keys = [f"{prefix}/{name}" for name in files]
    for folder in folders:
        keys += _walk(f"{prefix}/{folder}")
    return keys
