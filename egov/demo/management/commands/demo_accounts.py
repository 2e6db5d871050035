from typing import Any

from django.core.management.base import BaseCommand

from egov.demo.province import DEMO_CITIZEN_ID, DEMO_PASSWORD, STAFF


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"\n  Demo staff accounts (password for all: {DEMO_PASSWORD}):")
        for person in STAFF:
            note = "  (two-factor enrolment at first login)" if person.role == "administrator" else ""
            self.stdout.write(f"    {person.username:<22} {person.get_role_label()}{note}")
        self.stdout.write(
            f"\n  Demo citizen: {DEMO_CITIZEN_ID} (Nguyễn Văn An), same password — or log in with VNeID "
            "(the simulator) and pick a citizen.\n  Signing PIN of leaders and clerks: 123456"
        )
