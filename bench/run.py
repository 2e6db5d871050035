"""`make bench`: a province dataset, the machine's baselines and egov's scenarios, one report (issue 6).

    .venv/bin/python bench/run.py [--size small|province|nation-slice] [--reuse] [--duration 8]
                                  [--clients 1,16,64] [--report docs/performance.md]

In one run, on the same PostgreSQL server and the same granian setup:
1. the dataset (bench/dataset.py), unless --reuse finds it already loaded;
2. baselines: pgbench TPC-B-like and select-only, and bare Django (bench/bare/: insert one row, look
   one row up by a unique key) — the "physical limit" each scenario is divided by — and a desk
   receipt's own floor (bench/bare `register`: the same rows by hand-written SQL);
3. egov's scenarios, each at every client count, driven by wrk from a second process;
4. PAdES B-B signing (bench/signatures.py) and the peak RSS of the web and worker processes;
5. the report: the generated part of docs/performance.md between its `bench:` markers.

Every scenario's ratio is its throughput over the baseline's at the same client count, measured
minutes apart on the same machine, because the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASES = {"small": "egov_bench", "province": "egov_province", "nation-slice": "egov_nation"}
SIZES = {"small": 100_000, "province": 2_000_000, "nation-slice": 10_000_000}
EGOV_PORT, BARE_PORT = 8200, 8100


def markers(size: str) -> tuple[str, str]:
    """Each size's section of the report has its own markers, so runs of other sizes keep theirs."""
    return f"<!-- bench:begin {size} -->", f"<!-- bench:end {size} -->"


LOOKUP_CODES, OFFICER_CODES = 5000, 400


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--database", help="default: postgres://postgres@127.0.0.1:5432/<egov_bench|…>")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded dataset")
    parser.add_argument("--duration", type=int, default=8, help="seconds per scenario and client count")
    parser.add_argument("--clients", default="1,16,64")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (as make run)")
    parser.add_argument("--threads", type=int, default=8, help="blocking threads per worker (as make run)")
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument("--report", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--json", default=str(ROOT / "var" / "bench" / "results.json"))
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the report from --json without measuring"
    )
    return parser.parse_args()


# --- measurement ------------------------------------------------------------------------------------


@dataclass
class Measure:
    """One load run: throughput and latency percentiles (ms), errors counted."""

    clients: int
    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    errors: int = 0

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class Scenario:
    name: str
    title: str
    baseline: str  # "insert" or "lookup" of the bare-Django pair
    paths: list[str]
    method: str = "GET"
    body: str | None = None
    headers: list[str] = field(default_factory=list)
    expect: int = 200
    results: list[Measure] = field(default_factory=list)
    target: str = ""


def wrk(
    url: str,
    clients: int,
    duration: int,
    scenario: Scenario | None = None,
    paths=None,
    body=None,
    method="GET",
    headers=(),
) -> Measure:
    """Run wrk from its own process; one JSON line comes back from bench/scenario.lua."""
    with tempfile.TemporaryDirectory() as tmp:
        paths_file = body_file = "-"
        paths = scenario.paths if scenario else paths
        if paths:
            paths_file = str(Path(tmp) / "paths")
            Path(paths_file).write_text("\n".join(paths) + "\n")
        body = scenario.body if scenario else body
        if body:
            body_file = str(Path(tmp) / "body")
            Path(body_file).write_text(body)
        method = scenario.method if scenario else method
        headers = scenario.headers if scenario else headers
        command = [
            "wrk",
            "-t",
            str(min(clients, 2)),
            "-c",
            str(clients),
            "-d",
            f"{duration}s",
            "--timeout",
            "30s",
            "-s",
            str(BENCH / "scenario.lua"),
        ]
        for header in headers:
            command += ["-H", header]
        command += [url, "--", paths_file, method, body_file]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    data = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    seconds = data["duration_us"] / 1e6
    errors = sum(data[k] for k in data if k.startswith("errors_"))
    return Measure(
        clients=clients,
        rps=data["requests"] / seconds,
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=errors,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- processes --------------------------------------------------------------------------------------


class Served:
    """A granian server (and optional helper processes) in its own session, for peak-RSS readings."""

    def __init__(
        self,
        target: str,
        port: int,
        env: dict,
        workers: int,
        threads: int,
        cwd: Path,
        health: str,
        extra: list[list[str]] = (),
    ):
        self.port = port
        self.procs = []
        for command in extra:
            self.procs.append(
                subprocess.Popen(
                    command,
                    env=env,
                    cwd=cwd,
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        self.web = subprocess.Popen(
            [
                str(VENV_BIN / "granian"),
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--blocking-threads",
                str(threads),
                "--no-ws",
                "--log-level",
                "warning",
                target,
            ],
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=5)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.time() > deadline or self.web.poll() is not None:
                    raise SystemExit(f"server on port {port} did not start") from None
                time.sleep(0.3)

    def peak_rss_mb(self) -> dict[str, float]:
        """VmHWM (peak resident set) of every process of each session, in MB, by role."""
        roles = {"web (granian, all processes)": self.web.pid}
        for proc in self.procs:
            roles[" ".join(Path(a).name for a in proc.args[1:3])] = proc.pid
        result = {}
        for role, session in roles.items():
            total, largest = 0.0, 0.0
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    if os.getsid(int(status.parent.name)) != session:
                        continue
                    match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
                except (OSError, ProcessLookupError):
                    continue
                if match:
                    mb = int(match.group(1)) / 1024
                    total += mb
                    largest = max(largest, mb)
            result[role] = round(largest, 1)
        return result

    def stop(self) -> None:
        for proc in [self.web, *self.procs]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [self.web, *self.procs]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def run_text(command: list[str], **kwargs) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, **kwargs).stdout


# --- 1. dataset -------------------------------------------------------------------------------------


def dataset(args: argparse.Namespace) -> dict:
    import psycopg

    loaded = 0
    try:
        with psycopg.connect(args.database) as conn:
            loaded = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
    except psycopg.Error:
        loaded = 0
    if args.reuse and loaded >= SIZES[args.size]:
        print(f"dataset: reusing {loaded:,} dossiers in {args.database}", flush=True)
        return {"reused": True, "dossiers": loaded}
    started = time.perf_counter()
    out = run_text(
        [
            sys.executable,
            str(BENCH / "dataset.py"),
            "--size",
            args.size,
            "--database",
            args.database,
            "--reset",
        ],
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    print(out, flush=True)
    return {"reused": False, "seconds": round(seconds, 1), "log": out}


# --- 2. baselines -----------------------------------------------------------------------------------


def pgbench(args: argparse.Namespace, clients: list[int]) -> dict:
    import psycopg

    name = "egov_pgbench"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    # Scale 10: 1 M accounts, 150 MB — larger than the CPU caches, far smaller than RAM, like egov's set.
    run_text(["pgbench", "-i", "-q", "-s", "10", url])
    results: dict[str, list[dict]] = {"tpcb": [], "select": []}
    for mode, flags in (("tpcb", []), ("select", ["-S"])):
        for count in clients:
            with tempfile.TemporaryDirectory() as tmp:
                out = run_text(
                    [
                        "pgbench",
                        "-n",
                        *flags,
                        "-c",
                        str(count),
                        "-j",
                        str(min(count, 2)),
                        "-T",
                        str(args.duration),
                        "-l",
                        "--log-prefix",
                        f"{tmp}/log",
                        url,
                    ]
                )
                latencies = []
                for log in Path(tmp).glob("log*"):
                    for line in log.read_text().splitlines():
                        latencies.append(int(line.split()[2]) / 1000)  # µs → ms
            tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
            results[mode].append(
                Measure(
                    count,
                    tps,
                    percentile(latencies, 0.5),
                    percentile(latencies, 0.95),
                    percentile(latencies, 0.99),
                    len(latencies),
                ).as_dict()
            )
            print(f"pgbench {mode:6} c={count:<3} {tps:10,.0f} tps", flush=True)
    return results


# The floor of a desk receipt (bench/bare/urls.py `register`): the rows of submit_api's receipt of a
# four-paper birth registration, written by hand-written SQL with no validation or rules.
REGISTER_BODY = json.dumps(
    {
        "name": "Nguyễn Văn Bình {{n}}",
        "unit": "000.00.00.H55",
        "papers": [
            "Tờ khai đăng ký khai sinh",
            "Giấy chứng sinh",
            "Giấy tờ tùy thân",
            "Giấy chứng nhận kết hôn",
        ],
    },
    ensure_ascii=False,
)


def bare(args: argparse.Namespace, clients: list[int]) -> dict:
    import psycopg

    name = "egov_bare"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "PYTHONPATH": str(BENCH),
        "DJANGO_SETTINGS_MODULE": "bare.settings",
        "DATABASE_URL": f"{SERVER}/{name}",
    }
    run_text([str(VENV_BIN / "django-admin"), "migrate", "--run-syncdb", "-v", "0"], env=env, cwd=BENCH)
    # As many rows as egov's dossier table, so the lookup reads an index of the same depth.
    with psycopg.connect(f"{SERVER}/{name}") as conn:
        with conn.cursor().copy("COPY bare_record (code, name, unit, status, created_at) FROM STDIN") as copy:
            now = dt.datetime.now(dt.UTC)
            for n in range(SIZES[args.size] if args.size == "small" else 1_000_000):
                copy.write_row([f"000.00.00.H55-{n:08d}", f"Nguyễn Văn {n}", "000.00.00.H55", 2, now])
        conn.execute("ANALYZE bare_record")
    codes = [f"/lookup/000.00.00.H55-{n:08d}" for n in range(0, 100_000, 7)]
    served = Served("bare.wsgi:application", BARE_PORT, env, args.workers, args.threads, BENCH, "/lookup/x")
    results: dict[str, list[dict]] = {"insert": [], "lookup": [], "register": []}
    try:
        base = f"http://127.0.0.1:{BARE_PORT}"
        body = '{"code": "B-{{n}}", "name": "Nguyễn Văn An", "unit": "000.00.00.H55"}'
        # Warm-up at the highest client count: every server thread opens its database connection.
        wrk(
            base + "/insert",
            max(clients),
            2,
            method="POST",
            body=body,
            headers=["Content-Type: application/json"],
        )
        wrk(base + "/", max(clients), 2, paths=codes)
        for count in clients:
            time.sleep(2)  # let the previous run's requests in flight finish
            insert = wrk(
                base + "/insert",
                count,
                args.duration,
                method="POST",
                body=body,
                headers=["Content-Type: application/json"],
            )
            lookup = wrk(base + "/", count, args.duration, paths=codes)
            register = wrk(
                base + "/register",
                count,
                args.duration,
                method="POST",
                body=REGISTER_BODY,
                headers=["Content-Type: application/json"],
            )
            results["insert"].append(insert.as_dict())
            results["lookup"].append(lookup.as_dict())
            results["register"].append(register.as_dict())
            print(
                f"bare    c={count:<3} insert {insert.rps:8,.0f}/s  lookup {lookup.rps:8,.0f}/s  "
                f"register {register.rps:8,.0f}/s",
                flush=True,
            )
        results["rss_mb"] = served.peak_rss_mb()
    finally:
        served.stop()
    return results


# --- 3. egov's scenarios ----------------------------------------------------------------------------


def prepare_egov(database: str) -> dict:
    """Tokens, a session, codes to look up: read from the dataset through egov's own code."""
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import random

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from egov.accounts.models import User
    from egov.accounts.services import create_api_token
    from egov.dossiers.models import Dossier
    from egov.dossiers.permissions import dossiers_visible_to
    from egov.organization.models import Membership
    from egov.procedures.models import Procedure

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    officer = User.objects.get(username="motcua.donghy")  # a commune desk officer: restricted
    leader = User.objects.get(username="lanhdao.ubnd")  # the province's vice-chairman: everything
    _, officer_token = create_api_token(officer, name="bench", created_by=None)
    _, leader_token = create_api_token(leader, name="bench", created_by=None)
    unit = Membership.objects.filter(user=officer).select_related("unit").first().unit
    rng = random.Random(6)
    last_id = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first()
    ids = [rng.randrange(1, last_id) for _ in range(LOOKUP_CODES)]
    codes = list(Dossier.objects.filter(pk__in=ids).values_list("code", flat=True))
    mine = list(dossiers_visible_to(officer).order_by("-pk").values_list("code", flat=True)[:OFFICER_CODES])
    # A commune-level civil-status procedure with papers: the commonest filing at a commune desk.
    procedure = (
        Procedure.objects.filter(
            current_version__competent_unit__isnull=True,
            current_version__components__isnull=False,
            current_version__name__icontains="khai sinh",
        )
        .select_related("current_version")
        .distinct()
        .first()
    )
    positions = list(procedure.current_version.components.values_list("position", flat=True))
    return {
        "officer": officer.get_username(),
        "officer_unit": unit.name,
        "officer_cookie": session_for(officer),
        "officer_token": officer_token,
        "leader_token": leader_token,
        "lookup_codes": codes,
        "officer_codes": mine,
        "submission": {
            "procedure": procedure.code,
            "procedure_name": procedure.current_version.name,
            "receiving_unit": unit.identifier,
            "channel": 1,
            "applicant": {
                "name": "Nguyễn Văn Bình {{n}}",
                "id_number": "019090001234",
                "address": "Tổ 5, phường Đồng Hỷ",
                "phone": "0912345678",
            },
            "components": [{"component_position": p, "exemption": "shown_only"} for p in positions],
            "outcome": {"decision": "accept"},
        },
    }


def scenarios(prep: dict, quarter: tuple[int, int]) -> list[Scenario]:
    officer = [f"Cookie: {prep['officer_cookie']}"]
    officer_api = [f"Authorization: Bearer {prep['officer_token']}"]
    leader_api = [f"Authorization: Bearer {prep['leader_token']}"]
    lookups = [f"/api/v1/lookup/{quote(c)}" for c in prep["lookup_codes"]]
    year, q = quarter
    return [
        Scenario(
            "lookup_api",
            "Public lookup by code (API)",
            "lookup",
            lookups,
            target="≥ 80 % of bare lookup; p99 ≤ 20 ms at 16 clients",
        ),
        Scenario(
            "lookup_page",
            "Public lookup by code (portal page)",
            "lookup",
            [f"/tra-cuu/{quote(c)}/" for c in prep["lookup_codes"]],
        ),
        Scenario(
            "queue_page",
            "Officer work queue, page (restricted officer)",
            "lookup",
            ["/can-bo/ho-so/"],
            headers=officer,
            target="p50 ≤ 20 ms, p99 ≤ 100 ms at 16 clients",
        ),
        Scenario(
            "queue_api",
            "Officer work queue, API (restricted officer)",
            "lookup",
            ["/api/v1/dossiers?limit=20"],
            headers=officer_api,
            target="p50 ≤ 20 ms, p99 ≤ 100 ms at 16 clients",
        ),
        Scenario(
            "detail_page",
            "Dossier detail page (restricted officer)",
            "lookup",
            [f"/can-bo/ho-so/{quote(c)}/" for c in prep["officer_codes"]],
            headers=officer,
        ),
        Scenario(
            "statistics_api",
            f"Province statistics, QĐ 766 indicator 2.1, Q{q}/{year}",
            "lookup",
            [f"/api/v1/statistics?period=quarter&year={year}&quarter={q}"],
            headers=leader_api,
            target="≤ 200 ms",
        ),
        Scenario(
            "catalogue_search",
            "Catalogue search without accents",
            "lookup",
            [
                f"/thu-tuc/?q={quote(t)}"
                for t in (
                    "dang ky khai sinh",
                    "chung thuc",
                    "dat dai",
                    "ket hon",
                    "giay phep xay dung",
                    "ho kinh doanh",
                )
            ],
        ),
        Scenario(
            "document_search",
            "Document search without accents (province leader: all documents)",
            "lookup",
            [
                f"/api/v1/documents?q={quote(t)}"
                for t in ("quyet dinh phe duyet", "chuyen doi so", "tiem chung", "thien tai", "khen thuong")
            ],
            headers=leader_api,
            target="p95 ≤ 100 ms over 1 M documents",
        ),
        Scenario(
            "receipt_pdf",
            "Receipt PDF, Mẫu 01 (restricted officer)",
            "lookup",
            [f"/can-bo/ho-so/{quote(c)}/in/01/" for c in prep["officer_codes"][:50]],
            headers=officer,
            target="p50 ≤ 150 ms",
        ),
        # Last: what it writes (dossiers, events, outbox) must not change the reads above.
        Scenario(
            "submit_api",
            "Dossier submission at the desk (API: validation, code, deadline, audit, outbox)",
            "insert",
            ["/api/v1/dossiers"],
            method="POST",
            body=json.dumps(prep["submission"], ensure_ascii=False),
            headers=[*officer_api, "Content-Type: application/json"],
            expect=201,
            target="≥ 50 % of bare insert",
        ),
    ]


def check(base: str, scenario: Scenario) -> None:
    """One request before the load: the scenario must answer what a user would get."""
    body = scenario.body.replace("{{n}}", "0").encode() if scenario.body else None
    request = urllib.request.Request(base + scenario.paths[0], data=body, method=scenario.method)
    for header in scenario.headers:
        key, value = header.split(": ", 1)
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        print(error.read()[:2000].decode(errors="replace"))
    if status != scenario.expect:
        raise SystemExit(
            f"{scenario.name}: {scenario.paths[0]} answered {status}, expected {scenario.expect}"
        )


def egov(args: argparse.Namespace, clients: list[int], prep: dict, quarter: tuple[int, int]) -> dict:
    var = Path(tempfile.mkdtemp(prefix="egov-bench-"))
    site = f"http://127.0.0.1:{EGOV_PORT}"
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "EGOV_VAR_DIR": str(var),
        "EGOV_SITE_URL": site,
        # egov refuses the demo secret key outside DEBUG; the bench runs it as in production.
        "EGOV_SECRET_KEY": secrets.token_urlsafe(50),
        "EGOV_LOOKUP_LIMIT_PER_MINUTE": "100000000",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    python = str(VENV_BIN / "python")
    run_text([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT)
    served = Served(
        "config.wsgi:application",
        EGOV_PORT,
        env,
        args.workers,
        args.threads,
        ROOT,
        "/",
        extra=[[python, "manage.py", "run_worker", "--interval", "1"], [python, "manage.py", "run_outbox"]],
    )
    only = {n for n in args.only.split(",") if n}
    results = {}
    try:
        for scenario in scenarios(prep, quarter):
            if only and scenario.name not in only:
                continue
            check(site, scenario)
            # Warm-up at the highest client count, so that every server thread has opened its
            # database connection and filled its caches before anything is measured.
            wrk(site, max(clients), 2, scenario)
            for count in clients:
                # wrk stops with requests in flight; one more request waits until the server has
                # answered them, so they do not count against the next measurement.
                check(site, scenario)
                measure = wrk(site, count, args.duration, scenario)
                scenario.results.append(measure)
                print(
                    f"{scenario.name:16} c={count:<3} {measure.rps:8,.1f}/s  p50 {measure.p50:7.1f} ms  "
                    f"p99 {measure.p99:7.1f} ms  errors {measure.errors}",
                    flush=True,
                )
            results[scenario.name] = {
                "title": scenario.title,
                "baseline": scenario.baseline,
                "target": scenario.target,
                "results": [m.as_dict() for m in scenario.results],
            }
        time.sleep(3)  # let the worker deliver part of the outbox, for its peak RSS
        results["_rss_mb"] = served.peak_rss_mb()
    finally:
        served.stop()
        shutil.rmtree(var, ignore_errors=True)
    return results


# --- 4. signing and facts ---------------------------------------------------------------------------


def signing() -> str:
    return run_text([str(VENV_BIN / "python"), str(BENCH / "signatures.py"), "--n", "20"], cwd=ROOT)


def machine() -> dict:
    import psycopg

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    with psycopg.connect(f"{SERVER}/postgres") as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    versions = run_text(
        [
            str(VENV_BIN / "python"),
            "-c",
            "import django, granian; print(django.get_version(), granian.__version__)",
        ]
    ).split()
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": pg_version,
        "django": versions[0],
        "granian": versions[1],
        "wrk": wrk_version,
        "load_before": os.getloadavg(),
    }


# --- 5. report --------------------------------------------------------------------------------------


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def floor_rows(data: dict) -> list[str]:
    """The desk receipt's own floor: the same rows by hand-written SQL (bench/bare `register`),
    over the bare insert, and egov's receipt over that floor."""
    floor = data["bare"].get("register")
    submit = data["egov"].get("submit_api")
    if not floor:
        return []
    cells = [f"{fmt_rate(m['rps'])} · {m['p50']:.1f} / {m['p95']:.1f} / {m['p99']:.1f}" for m in floor]
    ratios = [f"{f['rps'] / b['rps']:.0%}" for f, b in zip(floor, data["bare"]["insert"], strict=True)]
    rows = [
        "| **bare Django**: a desk receipt's rows by hand-written SQL (9 statements, 1 transaction) | "
        "bare insert | " + " | ".join(cells) + f" | {' / '.join(ratios)} | |"
    ]
    if submit:
        shares = [f"{m['rps'] / f['rps']:.0%}" for m, f in zip(submit["results"], floor, strict=True)]
        rows.append(
            "| Dossier submission at the desk, over its hand-written floor | bare register | "
            + " | ".join("" for _ in floor)
            + f" | {' / '.join(shares)} | |"
        )
    return rows


def report(args: argparse.Namespace, clients: list[int], data: dict) -> str:
    facts = data["machine"]
    begin, end = markers(args.size)
    lines = [
        begin,
        f"## Load tests (`make bench`, size `{args.size}`), {data['date']}",
        "",
        f"Generated by `bench/run.py --size {args.size}` in {data['seconds'] / 60:.1f} min — "
        "do not edit by hand between the markers. Machine: "
        f"{facts['cores']} × {facts['cpu']}, {facts['memory_gib']} GiB; {facts['os']}; PostgreSQL "
        f"{facts['postgres']} (cluster defaults), Python {facts['python']}, Django {facts['django']}, "
        f"granian {facts['granian']} ({args.workers} workers × {args.threads} threads, as `make run`), wrk "
        f"{facts['wrk']} on the same machine. Load average before the run: "
        f"{', '.join(f'{x:.1f}' for x in facts['load_before'])}. "
        f"Each cell: {args.duration} s of load after a 2 s warm-up at {max(clients)} clients; req/s, then "
        "p50 / p95 / p99 latency in ms.",
        "",
    ]
    if "dataset" in data:
        ds = data["dataset"]
        if ds.get("reused"):
            lines.append(f"Dataset: {ds['dossiers']:,} dossiers already loaded (`--reuse`).")
        else:
            summary = [
                ln.strip()
                for ln in ds["log"].splitlines()
                if ln.strip().startswith(("all tables", "Document", "database size", "total time"))
            ]
            lines.append(f"Dataset built in this run ({ds['seconds']:.0f} s): " + "; ".join(summary) + ".")
        lines.append("")
    header = "| scenario | baseline | " + " | ".join(f"{c} client{'s' if c > 1 else ''}" for c in clients)
    header += " | ratio to baseline (" + " / ".join(str(c) for c in clients) + ") | target |"
    lines += [header, "|" + " --- |" * (4 + len(clients))]
    pg = data["pgbench"]
    for mode, title in (
        ("tpcb", "pgbench TPC-B-like (5 statements, 1 transaction)"),
        ("select", "pgbench select-only (1 indexed read)"),
    ):
        cells = [
            f"{fmt_rate(m['rps'])} tps · {m['p50']:.2f} / {m['p95']:.2f} / {m['p99']:.2f}" for m in pg[mode]
        ]
        lines.append(f"| {title} | (machine) | " + " | ".join(cells) + " | — | |")
    for kind in ("insert", "lookup"):
        cells = [
            f"{fmt_rate(m['rps'])} · {m['p50']:.1f} / {m['p95']:.1f} / {m['p99']:.1f}"
            for m in data["bare"][kind]
        ]
        ratio = " / ".join(
            f"{b['rps'] / p['rps']:.2f}"
            for b, p in zip(data["bare"][kind], pg["tpcb" if kind == "insert" else "select"], strict=True)
        )
        name = "insert one row (POST JSON)" if kind == "insert" else "look one row up by unique key"
        lines.append(
            f"| **bare Django**: {name} | pgbench {'TPC-B' if kind == 'insert' else 'select'} | "
            + " | ".join(cells)
            + f" | {ratio} | |"
        )
    for name, result in data["egov"].items():
        if name.startswith("_"):
            continue
        baseline = data["bare"][result["baseline"]]
        cells, ratios = [], []
        for m, b in zip(result["results"], baseline, strict=True):
            error = f" ({m['errors']} errors)" if m["errors"] else ""
            cells.append(f"{fmt_rate(m['rps'])} · {m['p50']:.1f} / {m['p95']:.1f} / {m['p99']:.1f}{error}")
            ratios.append(f"{m['rps'] / b['rps']:.0%}")
        lines.append(
            f"| {result['title']} | bare {result['baseline']} | "
            + " | ".join(cells)
            + f" | {' / '.join(ratios)} | {result['target']} |"
        )
    lines += floor_rows(data)
    lines += [
        "",
        "Peak resident memory (VmHWM, largest process of each kind, MB): "
        + "; ".join(f"{k} {v}" for k, v in data["egov"].get("_rss_mb", {}).items())
        + "; bare Django web "
        + str(data["bare"].get("rss_mb", {}).get("web (granian, all processes)"))
        + ".",
        "",
    ]
    if data.get("signing"):
        lines += [
            "PAdES signing in the same run (`bench/signatures.py --n 20`, one process, one core):",
            "",
            "```",
            data["signing"].strip(),
            "```",
            "",
        ]
    lines += [
        "Repeat:",
        "```sh",
        f"make bench                                   # bench/run.py --size {args.size}",
        ".venv/bin/python bench/run.py --reuse         # keep the loaded dataset",
        ".venv/bin/python bench/run.py --size province # 2 M dossiers, 1 M documents",
        "```",
        end,
    ]
    return "\n".join(lines) + "\n"


def write_report(path: Path, section: str, size: str) -> None:
    text = path.read_text() if path.exists() else "# Performance\n\n"
    begin, end = markers(size)
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    elif "<!-- bench:end " in text:  # after the other sizes' sections
        last = text.rindex("<!-- bench:end ")
        cut = text.index("\n", last) + 1
        text = text[:cut] + "\n" + section + text[cut:]
    else:
        head, _, tail = text.partition("\n## ")
        text = head.rstrip("\n") + "\n\n" + section + ("\n## " + tail if tail else "")
    path.write_text(text)


def main() -> int:
    import psycopg

    args = parse_args()
    args.database = args.database or f"{SERVER}/{DATABASES[args.size]}"
    clients = [int(c) for c in args.clients.split(",")]
    if args.report_only:
        data = json.loads(Path(args.json).read_text())
        write_report(Path(args.report), report(args, clients, data), args.size)
        return 0
    started = time.perf_counter()
    data: dict = {"date": dt.date.today().strftime("%d/%m/%Y"), "machine": machine()}  # noqa: DTZ011
    data["dataset"] = dataset(args)
    # Write the freshly loaded pages out now, not in a checkpoint in the middle of a measurement.
    with psycopg.connect(args.database, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    data["pgbench"] = pgbench(args, clients)
    data["bare"] = bare(args, clients)
    # A reused dataset may predate the latest migrations (new indexes are part of what is measured).
    run_text(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"],
        env={**os.environ, "DATABASE_URL": args.database},
        cwd=ROOT,
    )
    prep = prepare_egov(args.database)
    # The last complete quarter: the report leaders ask for most.
    today = dt.date.today()  # noqa: DTZ011
    quarter = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
    data["egov"] = egov(args, clients, prep, quarter)
    data["signing"] = signing()
    data["seconds"] = time.perf_counter() - started
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str))
    write_report(Path(args.report), report(args, clients, data), args.size)
    print(f"report written to {args.report} ({data['seconds'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
