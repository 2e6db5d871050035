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
    "egov/accounts/templates/accounts/citizen_profile.html",
    "egov/portal/templates/portal/procedure_detail.html",
]


def test_every_cell_of_a_stacked_table_names_its_column():
    """A column whose heading is for screen readers only (the actions) needs no name on a card."""
    for path in TEMPLATES:
        for table in STACKED.findall(path.read_text()):
            where = path.relative_to(ROOT)
            heads = len(re.findall(r"<th\b", table))
            unnamed_heads = len(re.findall(r'<th\b[^>]*><span class="visually-hidden">', table))
            cells = [c for c in re.findall(r"<td\b[^>]*>", table) if "colspan" not in c]
            named = [c for c in cells if "data-label=" in c]
            assert len(named) == heads - unnamed_heads, f"{where}: {len(named)} names, {heads} columns"
            assert len(cells) - len(named) == unnamed_heads, f"{where}: cells without a name"


def test_the_list_tables_stack_on_a_phone():
    flat = [p for p in LISTS if not STACKED.search((ROOT / p).read_text())]
    assert not flat, f"list tables that stay a sideways-scrolling grid on a phone: {flat}"
