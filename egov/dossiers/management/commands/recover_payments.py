from typing import Any

from django.core.management.base import BaseCommand

from egov.dossiers.payments import recover_pending_payments


class Command(BaseCommand):
    help = "Ask the payment gateway about online payments whose callback never came; confirm the paid ones."

    def handle(self, *args: Any, **options: Any) -> None:
        paid = recover_pending_payments()
        self.stdout.write(f"payments recovered: {paid}")
