"""Create the demo CAs and time-stamp authority in settings.EGOV_PKI_DIR (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.signatures import pki


class Command(BaseCommand):
    help = "Create the demo root CA, issuing CA and TSA when missing (--force: create them anew)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Replace an existing demo PKI.")

    def handle(self, *args: Any, **options: Any) -> None:
        existed = pki.load_demo_pki() is not None
        demo = pki.ensure_demo_pki(force=options["force"])
        state = "kept" if existed and not options["force"] else "created"
        self.stdout.write(f"Demo PKI {state} in {demo.directory}")
        for name, authority in (("root", demo.root), ("issuing", demo.issuing), ("tsa", demo.tsa)):
            self.stdout.write(f"  {name}: {authority.certificate.subject.rfc4514_string()}")
