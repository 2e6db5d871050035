from typing import Any

from django.core.management.base import BaseCommand

from egov.core.site import site_url

PAGES = (
    ("Public portal", "/"),
    ("Procedure catalogue", "/thu-tuc/"),
    ("Staff login", "/tai-khoan/dang-nhap/"),
    ("Administration", "/quan-tri/"),
    ("API docs", "/api/v1/docs"),
)


class Command(BaseCommand):
    help = "Print the addresses egov answers at (settings.SITE_URL), as scripts/run.sh starts it."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("\n  egov is running:")
        for label, path in PAGES:
            self.stdout.write(f"    {label:<20} {site_url(path)}")
        self.stdout.write(
            "  Every link, QR code and national-system simulator uses this address. Reached from "
            "elsewhere (another machine, a proxy)? Set EGOV_SITE_URL to the address people use."
        )
        self.stdout.write("  Press Ctrl+C to stop.\n")
