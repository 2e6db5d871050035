from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.core.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the hash-chained audit log and report any altered or removed entry."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = verify_chain()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"audit log is NOT intact: {len(problems)} problem(s) in {checked} entries")
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} entries verified"))
