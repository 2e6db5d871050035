from typing import Any

from django.core.management.base import BaseCommand

from egov.demo.province import DEMO_CITIZEN_ID, DEMO_PASSWORD, STAFF


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"\n  Demo staff accounts (password for all: {DEMO_PASSWORD}):")
        # The README's table of demo accounts lists the same rows (egov/demo/tests/test_accounts.py).
        for person in STAFF:
            role, unit = person.get_role_label(), person.get_unit_label()
            self.stdout.write(f"    {person.username:<20} {role:<46} {unit}")
        self.stdout.write("  The administrator (quantri) enrols a two-factor (TOTP) app at first login.")
        self.stdout.write(
            f"\n  Demo citizen: {DEMO_CITIZEN_ID} (Nguyễn Văn An), same password — or log in with VNeID "
            "(the simulator) and pick a citizen.\n  Signing PIN of leaders and clerks: 123456"
        )
