"""Time three reads as the app does them, on a database loaded by bench/dataset.py.

    .venv/bin/python bench/read_timings.py --database postgres://postgres@127.0.0.1:5432/egov_bench \
        [--officer motcua.donghy] [--year 2026 --quarter 3] [--repeat 7]

For each read: the median wall time of the app function (Python + SQL, warm cache, after one
warm-up call), then EXPLAIN (ANALYZE, BUFFERS) of the SQL the function sent, through Django's
connection. Reads:
  1. egov.dossiers.lookup.public_status(code)           — the public lookup by code
  2. egov.dossiers.queries.queue_for(officer, "unit")   — first page (25 + 1 rows, as the view)
  3. egov.dossiers.statistics.dossier_statistics(...)    — province subtree, one quarter, by unit
"""

from __future__ import annotations

import argparse
import os
import statistics as stats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/egov_bench")
    parser.add_argument("--officer", default="motcua.donghy", help="a commune desk officer (demo)")
    parser.add_argument("--year", type=int)
    parser.add_argument("--quarter", type=int)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--plans", action="store_true", help="print whole plans, not only key lines")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from egov.accounts.models import User
    from egov.demo import province as demo
    from egov.dossiers.lookup import public_status
    from egov.dossiers.models import Dossier
    from egov.dossiers.queries import UNIT, QueueFilters, queue_for
    from egov.dossiers.statistics import Period, dossier_statistics
    from egov.organization.calendar import get_calendar
    from egov.organization.models import Unit

    now = timezone.localtime()
    if args.year and args.quarter:
        year, quarter = args.year, args.quarter
    else:  # the last complete quarter
        q = (now.month - 1) // 3 + 1
        year, quarter = (now.year, q - 1) if q > 1 else (now.year - 1, 4)
    code = Dossier.objects.order_by("-id").values_list("code", flat=True)[5000:5001].get()
    officer = User.objects.get(username=args.officer)
    root = Unit.objects.get(identifier=demo.PROVINCE_IDENTIFIER)
    province_units = Unit.objects.filter(path__startswith=root.path)
    calendar = get_calendar()
    period = Period.quarter(year, quarter)

    def lookup():
        return public_status(code)

    def queue():
        return list(queue_for(officer, UNIT, QueueFilters(), calendar=calendar)[:26])

    def report():
        return dossier_statistics(period, grouping="unit", units=province_units)

    reads = [
        (f"public_status({code!r})", lookup),
        (f"queue_for({args.officer}, 'unit') first page", queue),
        (f"dossier_statistics(province, Q{quarter} {year}, by unit)", report),
    ]
    print(f"dossiers: {Dossier.objects.count():,}; PostgreSQL {connection.pg_version}")
    for label, function in reads:
        function()  # warm-up: caches, plan, connection
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = function()
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as captured:
            function()
        size = len(result) if isinstance(result, list) else len(getattr(result, "rows", [])) if result else 0
        print(f"\n## {label}")
        print(
            f"median {stats.median(times):.2f} ms, min {min(times):.2f} ms over {args.repeat} calls; "
            f"{len(captured.captured_queries)} queries; result rows {size}"
        )
        # Re-run the function's SQL under EXPLAIN: the app's own statements, parameters included.
        with CaptureQueriesContext(connection):
            pass
        sqls = _statements(connection, function)
        for sql, params in sqls:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"-- {sql[:160]}{'…' if len(sql) > 160 else ''}")
            for line in plan:
                if args.plans or _key(line):
                    print("   ", line)
    return 0


def _statements(connection, function):
    """The (sql, params) pairs the function executes, captured with a wrapper."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        function()
    return [(sql, params) for sql, params in seen if sql.lstrip().upper().startswith("SELECT")]


KEYS = (
    "Scan",
    "Join",
    "Aggregate",
    "Sort",
    "Limit",
    "Execution Time",
    "Planning Time",
    "Gather",
    "Rows Removed",
    "SubPlan",
)


def _key(line: str) -> bool:
    return any(key in line for key in KEYS)


if __name__ == "__main__":
    raise SystemExit(main())
