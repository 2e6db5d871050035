from typing import Any

from django.core.management.base import BaseCommand

from egov.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo province (units, staff, calendar, catalogue); safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_demo()
        self.stdout.write(
            f"Demo province ready: {counts['units']} units, {counts['staff']} staff accounts, "
            f"{counts['procedures']} procedures, {counts['dossiers']} dossiers."
        )
