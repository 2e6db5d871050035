from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.core import audit_anchors
from egov.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Walk every hash chain of the audit log and check it against every anchor kept outside the "
        "database (EGOV_AUDIT_ANCHOR_DIR): report any altered, removed, rewritten or cut entry."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, chain_problems = verify_chain()
        anchors = audit_anchors.verify()
        problems = [str(problem) for problem in chain_problems] + list(anchors.problems or [])
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                f"audit log is NOT intact: {len(problems)} problem(s) in {checked} entries "
                f"and {anchors.anchors} anchors"
            )
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} entries verified"))
        if anchors.anchors:
            self.stdout.write(f"{anchors.anchors} anchors verified, the newest of {anchors.newest}")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"no anchor in {audit_anchors.directory()} yet: a rewritten or truncated chain "
                    "cannot be told from an intact one (run audit_checkpoint)"
                )
            )
