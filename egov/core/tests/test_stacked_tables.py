"""On a phone a list table (class "stack") is a card a row, each cell after its column's name.

The name comes from the cell's data-label (static/egov/egov.css): a cell without one would show
a value nobody can place. Every list table of a role's pages is one of them, so that no status,
deadline or action hides in a sideways scroll at 375 px (the demo walk of issue 11).
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [*ROOT.glob("egov/*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]
STACKED = re.compile(r'<table class="(?:[\w-]+ )*stack[ "].*?</table>', re.S)
LISTS = [
    "egov/portal/templates/portal/citizen_dossiers.html",
    "egov/portal/templates/portal/data_store.html",
    "egov/dossiers/templates/dossiers/_queue_table.html",
    "egov/dossiers/templates/dossiers/tracking_book.html",
    "egov/documents/templates/documents/list.html",
    "egov/feedback/templates/feedback/staff_queue.html",
    "egov/feedback/templates/feedback/staff_ratings.html",
    "egov/dashboard/templates/dashboard/home.html",
    "egov/dashboard/templates/dashboard/api_tokens.html",
    "egov/integrations/templates/integrations/sms_inbox.html",
    "egov/integrations/templates/integrations/portal_pushes.html",
    "egov/signatures/templates/signatures/certificates.html",
]


def test_every_cell_of_a_stacked_table_names_its_column():
    unnamed = []
    for path in TEMPLATES:
        for table in STACKED.findall(path.read_text()):
            heads = len(re.findall(r"<th\b", table))
            cells = re.findall(r"<td\b[^>]*>", table)
            named = [c for c in cells if "data-label=" in c]
            unnamed += [
                f"{path.relative_to(ROOT)}: {c}" for c in cells if c not in named and "colspan" not in c
            ]
            assert len(named) == heads, f"{path.relative_to(ROOT)}: {len(named)} labels, {heads} columns"
    assert not unnamed


def test_the_list_tables_stack_on_a_phone():
    flat = [p for p in LISTS if not STACKED.search((ROOT / p).read_text())]
    assert not flat, f"list tables that stay a sideways-scrolling grid on a phone: {flat}"
