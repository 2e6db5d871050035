"""Dataset generator: a realistic province on PostgreSQL for performance work (issue 6).

    .venv/bin/python bench/dataset.py --size small \
        --database postgres://postgres@127.0.0.1:5432/egov_bench [--reset] [--seed 6]

Creates (or with --reset drops and re-creates) the target database, migrates it, seeds the demo
province (units, staff, catalogue, and its 48 demo dossiers) with egov.demo.seed.seed_demo(), then
loads generated dossiers, their events, components and code counters with COPY.

How it loads (issue 12: 10 M dossiers in under 30 minutes on 2 cores): the bulk tables' secondary
indexes, unique constraints and foreign keys are dropped first and built again after (one sort per
index, one anti-join per key, instead of per-row work), and the run checks that indexes and
constraints end identical to the migrated schema. Two dossier loaders (each a contiguous half of
the days, its own random stream) and one document loader run as processes at once; each group of
tables gets its VACUUM, indexes and constraints as soon as it is loaded, on three connections.
Lines are formatted once in COPY text, times as naive local times read in the session's time zone.
Event and component ids come from their identity columns (the two loaders interleave them).

Sizes: small = 100 k dossiers (CI, quick runs), province = 2 M, nation-slice = 10 M (by hand).

Approximations (documented, deliberate — speed over the exact legal clock):
* Receipt days are Monday–Friday, minus the holidays that egov.organization.calendar knows (looked
  up once per day, not per dossier); receipt times fall in 07:30–11:30 / 13:30–17:00 local time.
  Volume grows ~40 % over the 5 years; Mondays are busier.
* due_at = received_at + the version's time limit: working days skip Saturdays and Sundays only
  (not holidays); working hours are converted at 8 h a day (whole days as above, the rest added
  as clock hours); calendar days are plain days. Extensions add 2–5 such working days.
* Processing takes a fraction of the time limit (mostly 30–95 %); ~5 % take 105–160 % (late).
  A supplement pauses the clock and restarts due_at from the day the papers come.
* Components are 1–3 rows per dossier from the version's catalogue, exemption "shown_only" and no
  file (document_id NULL): "components with small files" is a later slice.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import enum
import json
import multiprocessing
import os
import random
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"small": 100_000, "province": 2_000_000, "nation-slice": 10_000_000}
# Official documents, for the search target "over 1 M documents" (issue 6), whatever the size.
DOCUMENTS = {"small": 1_000_000, "province": 1_000_000, "nation-slice": 5_000_000}
BATCH = 20_000
YEARS = 5
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Status codes (egov.dossiers.models.Status), kept literal so this file reads standalone.
REGISTERED, RECEIVED, NOT_RECEIVED, PROCESSING, SUPPLEMENT = 1, 2, 3, 4, 5
WITHDRAWN, STOPPED, RESOLVED, RETURNED = 7, 8, 9, 10
DIRECT, ONLINE, POSTAL = 1, 2, 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--dossiers", type=int, help="override the size's dossier count")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/egov_bench")
    parser.add_argument("--reset", action="store_true", help="drop and re-create the database first")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--documents", type=int, help="documents to add (default: 1 M, 5 M for nation-slice; 0 for none)"
    )
    return parser.parse_args()


def prepare_database(url: str, *, reset: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- time helpers ---------------------------------------------------------------------------------


ONE_DAY = dt.timedelta(days=1)


def add_working_days(moment: dt.datetime, days: float) -> dt.datetime:
    """Whole days skip Saturday/Sunday; a fractional rest is added as clock hours (8 h = 1 day)."""
    whole = int(days)
    current = moment
    # Any 7 days in a row hold 5 working days: whole weeks at once, the last 5..9 days one by one.
    weeks = max(whole // 5 - 1, 0)
    current += dt.timedelta(days=7 * weeks)
    whole -= 5 * weeks
    while whole > 0:
        current += ONE_DAY
        if current.weekday() < 5:
            whole -= 1
    rest = days - int(days)
    if rest:
        current += dt.timedelta(hours=rest * 8)
    return current


def limit_to_due(received: dt.datetime, value: float, unit: str) -> dt.datetime:
    if unit == "working_days":
        return add_working_days(received, value)
    if unit == "working_hours":
        return add_working_days(received, value / 8)
    return received + dt.timedelta(days=value)


def receipt_days(today: dt.date) -> list[dt.date]:
    """Working days of the last 5 years (weekends and the calendar's holidays skipped)."""
    try:
        from egov.organization.calendar import is_working_day
    except Exception:  # pragma: no cover - fall back to weekdays only
        is_working_day = None
    first = today.replace(year=today.year - YEARS)
    days, day = [], first
    while day <= today:
        if day.weekday() < 5:
            try:
                ok = is_working_day(day) if is_working_day else True
            except Exception:
                ok = True
            if ok:
                days.append(day)
        day += dt.timedelta(days=1)
    return days


def receipt_time(rng: random.Random, day: dt.date) -> dt.datetime:
    # 07:30–11:30 (240 min) and 13:30–17:00 (210 min), local time.
    minute = rng.randrange(450)
    start = 7 * 60 + 30 + minute if minute < 240 else 13 * 60 + 30 + (minute - 240)
    # Naive local time (see Generator).
    return dt.datetime(day.year, day.month, day.day, start // 60, start % 60, rng.randrange(60))  # noqa: DTZ001


# --- reference data from the seeded province ------------------------------------------------------


class Catalogue:
    def __init__(self) -> None:
        from egov.accounts.models import User
        from egov.organization.models import Membership, Unit
        from egov.procedures.models import Component, Fee, ProcedureVersion, ProcessStep

        receiving = list(
            Unit.objects.filter(receives_dossiers=True).values("id", "identifier", "level__code")
        )
        self.centre = [u for u in receiving if u["level__code"] == "service_centre"]
        self.communes = [u for u in receiving if u["level__code"] != "service_centre"]
        self.unit_identifier = {u["id"]: u["identifier"] for u in receiving}
        rng = random.Random(1)
        # Communes differ in size: weights 1..6 (wards of the city are busiest).
        self.commune_weights = [rng.choice([1, 1, 2, 2, 3, 4, 6]) for _ in self.communes]
        versions = list(
            ProcedureVersion.objects.filter(procedure__current_version__isnull=False)
            .filter(procedure__current_version=models_F("pk"))
            .values(
                "id",
                "procedure_id",
                "name",
                "sector__code",
                "sector__name",
                "levels",
                "competent_unit_id",
                "time_limit_value",
                "time_limit_unit",
            )
        )
        steps = defaultdict(int)
        for row in ProcessStep.objects.values("version_id"):
            steps[row["version_id"]] += 1
        fees = defaultdict(int)
        for row in Fee.objects.values("version_id", "amount"):
            fees[row["version_id"]] += int(row["amount"] or 0)
        components = defaultdict(list)
        for row in Component.objects.order_by("version_id", "position").values("id", "version_id", "name"):
            components[row["version_id"]].append((row["id"], row["name"]))
        self.versions = []
        weights = []
        for v in versions:
            v["steps"] = max(steps[v["id"]], 1)
            v["fee"] = fees[v["id"]]
            v["components"] = [(c, escape(name)) for c, name in components[v["id"]] or [(None, "Tờ khai")]]
            v["subject"] = escape(v["name"][:500])
            v["limit"] = float(v["time_limit_value"])
            sector = f"{v['sector__code']} {v['sector__name']}".lower()
            commune_level = v["competent_unit_id"] is None
            weight = 1.0
            if "hộ tịch" in sector or "ho_tich" in sector or "hotich" in sector:
                weight = 12.0  # civil status: births, marriages, deaths — the bulk of commune work
            elif "chứng thực" in sector or "chung_thuc" in sector:
                weight = 8.0
            elif "đất" in sector or "dat_dai" in sector:
                weight = 4.0
            elif commune_level:
                weight = 2.0
            self.versions.append(v)
            weights.append(weight)
        self.version_cum = cumulative(weights)
        # Officers to act in events: any staff member of the receiving unit, else any staff member.
        self.actors = defaultdict(list)
        for m in Membership.objects.values("user_id", "unit_id"):
            self.actors[m["unit_id"]].append(m["user_id"])
        self.any_staff = list(User.objects.filter(kind=User.Kind.STAFF).values_list("id", flat=True)) or [
            None
        ]
        self.commune_cum = cumulative(self.commune_weights)


def models_F(name: str):  # noqa: N802 - small wrapper, keeps the import local
    from django.db.models import F

    return F(name)


def cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def pick(rng: random.Random, items: list, cum: list[float]):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


# --- COPY text lines ------------------------------------------------------------------------------

NULL = "\\N"


def escape(text: str) -> str:
    """A string as COPY's text format reads it."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, enum.Enum):
        value = value.value
    return escape(str(value))


def copy_spec(model) -> tuple[str, list[str], list]:
    """Table, columns and per-column defaults (JSON as text) for COPY of a Django model."""
    from django.db.models import JSONField
    from django.db.models.fields import NOT_PROVIDED

    columns, defaults, attnames = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        attnames.append(field.attname)
        if (field.has_default() and not callable(field.default)) or (
            field.has_default() and field.default in (dict, list)
        ):
            value = field.get_default()
        elif field.null:
            value = None
        elif field.default is NOT_PROVIDED and field.get_internal_type() in (
            "CharField",
            "TextField",
            "EmailField",
            "FileField",
        ):
            value = ""
        else:
            value = None
        if isinstance(field, JSONField) and value is not None:
            value = json.dumps(value)
        defaults.append(value)
    return model._meta.db_table, columns, list(zip(attnames, defaults, strict=True))


def line_format(model, variable: list[str], constants: dict | None = None) -> tuple[str, str]:
    """The COPY statement and a str.format() template of one line for `model`.

    The `variable` columns are the template's positional fields, in that order (values already in
    COPY text: NULL for None, strings escaped); every other column is written once, here, from
    `constants` or the model's default. Without "id" among them the identity column numbers rows.
    Formatting one line is several times cheaper than psycopg's write_row() of a dict (profiled).
    """
    table, columns, fields = copy_spec(model)
    constants = constants or {}
    slots = {name: n for n, name in enumerate(variable)}
    names, parts = [], []
    for column, (attname, default) in zip(columns, fields, strict=True):
        if attname == "id" and "id" not in slots:
            continue
        names.append(column)
        if attname in slots:
            parts.append("{" + str(slots.pop(attname)) + "}")
        else:
            value = constants.pop(attname, default)
            parts.append(copy_text(value).replace("{", "{{").replace("}", "}}"))
    if slots or constants:
        raise ValueError(f"{table} has no column(s) {sorted([*slots, *constants])}")
    return f"COPY {table} ({', '.join(names)}) FROM STDIN", "\t".join(parts) + "\n"


def n(value) -> object:
    return NULL if value is None else value


# --- the generator --------------------------------------------------------------------------------


class Generator:
    """Dossiers with their events and components as COPY lines, in local time (UTC+7, no DST).

    Times are naive local datetimes; the load session's TimeZone is Asia/Ho_Chi_Minh, so the server
    reads them as the aware times the model holds (naive arithmetic is the cheap kind).
    """

    DOSSIER = [
        "id",
        "code",
        "procedure_id",
        "procedure_version_id",
        "receiving_unit_id",
        "competent_unit_id",
        "current_unit_id",
        "current_step",
        "channel",
        "status",
        "applicant_name",
        "applicant_id_number",
        "owner_name",
        "from_population_db",
        "subject",
        "search_text",
        "received_at",
        "due_at",
        "forward_due_at",
        "forwarded_at",
        "paused_at",
        "paused_minutes",
        "supplement_count",
        "extension_count",
        "resolved_at",
        "returned_at",
        "closed_at",
        "outcome",
        "return_method",
        "counts_as_late",
        "fee_amount",
        "fee_paid_at",
        "fee_payment_method",
        "created_at",
    ]
    EVENT = [
        "dossier_id",
        "at",
        "actor_id",
        "kind",
        "from_status",
        "to_status",
        "from_unit_id",
        "to_unit_id",
        "data",
    ]
    COMPONENT = ["dossier_id", "catalogue_component_id", "position", "name"]

    def __init__(self, cat: Catalogue, rng: random.Random, now: dt.datetime, counters: dict) -> None:
        from egov.core.text import fold
        from egov.dossiers.models import Dossier, DossierComponent, DossierEvent
        from egov.integrations.simulated_citizens import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES

        self.cat, self.rng, self.now, self.fold = cat, rng, now, fold
        # Every full name with its folded form, per sex: a uniform choice among them is the same as
        # choosing family, middle and given name one by one, and fold() runs once per name.
        self.names = [
            [
                (f"{family} {middle} {given}", fold(f"{family} {middle} {given}"))
                for family in FAMILY_NAMES
                for middle in MIDDLE_NAMES[sex]
                for given in GIVEN_NAMES[sex]
            ]
            for sex in MIDDLE_NAMES
        ]
        self.folded_unit = {u["id"]: fold(u["identifier"]) for u in (*cat.centre, *cat.communes)}
        self.counters = counters  # (unit_id, day) -> last sequence
        self.counters_touched: set = set()
        self.copy = {
            "Dossier": line_format(Dossier, self.DOSSIER, {"applicant_address": ""}),
            "DossierEvent": line_format(DossierEvent, self.EVENT),
            "DossierComponent": line_format(
                DossierComponent,
                self.COMPONENT,
                {"is_required": True, "is_digitised": False, "exemption": "shown_only"},
            ),
        }
        self.checked = 0

    def name(self) -> tuple[str, str]:
        rng = self.rng
        return rng.choice(rng.choice(self.names))

    def actor(self, unit_id: int):
        people = self.cat.actors.get(unit_id)
        return self.rng.choice(people) if people else self.rng.choice(self.cat.any_staff)

    def day(self, day: dt.date, count: int, dossier_id: int):
        """COPY lines of `count` dossiers received on `day`: (dossiers, events, components, next id)."""
        rng, cat, now = self.rng, self.cat, self.now
        dossier_line = self.copy["Dossier"][1].format
        event_line = self.copy["DossierEvent"][1].format
        component_line = self.copy["DossierComponent"][1].format
        drafts = []
        for _ in range(count):
            version = pick(rng, cat.versions, cat.version_cum)
            if version["competent_unit_id"] is None:
                unit = pick(rng, cat.communes, cat.commune_cum)
            else:
                unit = rng.choice(cat.centre) if cat.centre else pick(rng, cat.communes, cat.commune_cum)
            drafts.append((receipt_time(rng, day), version, unit))
        drafts.sort(key=lambda d: d[0])
        dossiers, events, components = [], [], []
        day_text = f"{day:%y%m%d}"
        for received_at, version, unit in drafts:
            unit_id = unit["id"]
            key = (unit_id, day)
            seq = self.counters.get(key, 0) + 1
            self.counters[key] = seq
            self.counters_touched.add(key)
            code = f"{unit['identifier']}-{day_text}-{seq:04d}"
            competent_id = version["competent_unit_id"] or unit_id
            r = rng.random()
            channel = DIRECT if r < 0.65 else ONLINE if r < 0.95 else POSTAL
            applicant, folded_applicant = self.name()
            owner, folded_owner = (applicant, folded_applicant) if rng.random() < 0.8 else self.name()
            id_number = f"0{rng.randrange(1, 96):02d}{rng.randrange(10**9):09d}"
            limit, unit_kind = version["limit"], version["time_limit_unit"]
            due_at = limit_to_due(received_at, limit, unit_kind)
            span = due_at - received_at
            created_at = (
                received_at - dt.timedelta(hours=rng.uniform(1, 20)) if channel == ONLINE else received_at
            )
            ev = []  # (at, actor, kind, from, to, from_unit, to_unit, data as JSON)
            actor = self.actor(unit_id)
            if channel == ONLINE:
                ev.append((created_at, None, "submitted_online", None, REGISTERED, None, unit_id, "{}"))
                ev.append((received_at, actor, "received", REGISTERED, RECEIVED, None, unit_id, "{}"))
            else:
                ev.append((received_at, actor, "received", None, RECEIVED, None, unit_id, "{}"))
            forwarded_at = None
            forward_step = competent_id != unit_id
            t = received_at + dt.timedelta(minutes=rng.randrange(20, 240))
            forwarded_at = t
            ev.append((t, actor, "forwarded", RECEIVED, PROCESSING, unit_id, competent_id, FORWARDED_DATA))
            # Supplements: ~8 % one, ~2 % two (two counts as late, QĐ 766 2.1).
            r = rng.random()
            supplements = 2 if r < 0.02 else 1 if r < 0.10 else 0
            paused_at = None
            paused_minutes = 0
            clock_start = received_at
            requested = 0
            for _s in range(supplements):
                asked = clock_start + span * rng.uniform(0.1, 0.4)
                supplied = asked + dt.timedelta(days=rng.uniform(1, 10))
                if supplied > now:
                    paused_at = asked if asked <= now else None
                    if paused_at:
                        requested += 1
                        ev.append(
                            (
                                asked,
                                self.actor(competent_id),
                                "supplement_requested",
                                PROCESSING,
                                SUPPLEMENT,
                                *NO_UNITS,
                            )
                        )
                    break
                requested += 1
                ev.append(
                    (
                        asked,
                        self.actor(competent_id),
                        "supplement_requested",
                        PROCESSING,
                        SUPPLEMENT,
                        *NO_UNITS,
                    )
                )
                ev.append((supplied, actor, "supplement_received", SUPPLEMENT, PROCESSING, *NO_UNITS))
                paused_minutes += int((supplied - asked).total_seconds() // 60)
                clock_start = supplied
                due_at = limit_to_due(supplied, limit, unit_kind)
            extension = 0
            if paused_at is None and rng.random() < 0.03:
                extension = 1
                old = due_at
                due_at = add_working_days(due_at, rng.randint(2, 5))
                at = old - dt.timedelta(days=1)
                data = json.dumps({"old_due_at": local_iso(old), "new_due_at": local_iso(due_at)})
                ev.append((at, self.actor(competent_id), "extended", None, None, None, None, data))
            late = rng.random() < 0.05
            fraction = rng.uniform(1.05, 1.6) if late else rng.uniform(0.3, 0.95)
            resolved_at = clock_start + (due_at - clock_start) * fraction
            returned_at = resolved_at + dt.timedelta(hours=rng.uniform(2, 72))
            r = rng.random()
            status, closed_at, outcome, step = PROCESSING, None, "", 2
            current_unit = competent_id
            ret_resolved, ret_returned = None, None
            if paused_at is not None:
                status = SUPPLEMENT
            elif r < 0.008:
                status, closed_at = WITHDRAWN, received_at + span * rng.uniform(0.1, 0.5)
            elif r < 0.012:
                status, closed_at = STOPPED, received_at + span * rng.uniform(0.2, 0.8)
            elif resolved_at > now:
                status = PROCESSING if forward_step or rng.random() < 0.8 else RECEIVED
            else:
                outcome = "refused" if rng.random() < 0.01 else "granted"
                ret_resolved = resolved_at
                ev.append(
                    (
                        resolved_at,
                        self.actor(competent_id),
                        "resolved",
                        PROCESSING,
                        RESOLVED,
                        competent_id,
                        unit_id,
                        "{}",
                    )
                )
                current_unit = unit_id
                step = version["steps"]
                if returned_at > now or rng.random() < 0.03:
                    status = RESOLVED
                else:
                    status, ret_returned, closed_at = RETURNED, returned_at, returned_at
                    ev.append((returned_at, actor, "returned", RESOLVED, RETURNED, *NO_UNITS))
            if status in (WITHDRAWN, STOPPED):
                if closed_at > now:
                    closed_at = now - dt.timedelta(minutes=1)
                kind = "withdrawn" if status == WITHDRAWN else "stopped"
                ev.append((closed_at, actor, kind, PROCESSING, status, *NO_UNITS))
            if status == RECEIVED:
                ev = [e for e in ev if e[2] != "forwarded"]
                forwarded_at, current_unit, step = None, unit_id, 1
            return_method = (
                ""
                if ret_returned is None
                else ("online" if channel == ONLINE else "post" if channel == POSTAL else "desk")
            )
            fee = version["fee"]
            folded_code = f"{self.folded_unit[unit_id]}-{day_text}-{seq:04d}"
            search_text = f"{folded_code} {folded_applicant} {folded_owner} {id_number}"
            if self.checked < 200:  # the cached folds must be what fold() makes of the whole text
                assert search_text == self.fold(f"{code} {applicant} {owner} {id_number}"), search_text
                self.checked += 1
            dossiers.append(
                dossier_line(
                    dossier_id,
                    code,
                    version["procedure_id"],
                    version["id"],
                    unit_id,
                    competent_id,
                    current_unit,
                    min(step, version["steps"]),
                    channel,
                    status,
                    applicant,
                    id_number,
                    owner,
                    "t" if channel == ONLINE else "f",
                    version["subject"],
                    search_text,
                    received_at,
                    due_at,
                    received_at + EIGHT_HOURS,
                    n(forwarded_at),
                    n(paused_at),
                    paused_minutes,
                    requested,
                    extension,
                    n(ret_resolved),
                    n(ret_returned),
                    n(closed_at),
                    outcome,
                    return_method,
                    "t" if supplements >= 2 and paused_at is None else "f",
                    fee,
                    received_at if fee else NULL,
                    ("online" if channel == ONLINE else "direct") if fee else "",
                    created_at,
                )
            )
            ev.sort(key=lambda e: e[0])
            for at, who, kind, fs, ts, fu, tu, data in ev:
                events.append(event_line(dossier_id, at, n(who), kind, n(fs), n(ts), n(fu), n(tu), data))
            for position, (component, cname) in enumerate(
                version["components"][: rng.randint(1, 3)], start=1
            ):
                components.append(component_line(dossier_id, n(component), position, cname))
            dossier_id += 1
        return dossiers, events, components, dossier_id


FORWARDED_DATA = json.dumps({"late_forwarding": False})
NO_UNITS = (None, None, "{}")
EIGHT_HOURS = dt.timedelta(hours=8)


def local_iso(moment: dt.datetime) -> str:
    """isoformat() of the aware local time (UTC+7 all year)."""
    return moment.isoformat() + "+07:00"


def backend_cpu(pg) -> float:
    """CPU seconds the connection's server process has used (it runs on this machine)."""
    try:
        fields = Path(f"/proc/{pg.info.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session(pg) -> None:
    """A bulk-load session: local time zone for the naive times, no wait for the WAL flush."""
    pg.execute("SET synchronous_commit = off")
    pg.execute("SET TIME ZONE 'Asia/Ho_Chi_Minh'")


def load_dossiers(database: str, cat: Catalogue, seed: int, now, counters, days, per_day, first_id) -> dict:
    """One loader process: the dossiers of `days` (ids from `first_id`), events, components, counters."""
    import psycopg

    gen = Generator(cat, random.Random(seed), now, counters)
    names = ("Dossier", "DossierEvent", "DossierComponent")
    stats = {"counts": defaultdict(int), "seconds": defaultdict(float), "generation": 0.0}
    started, cpu = time.perf_counter(), time.process_time()
    with psycopg.connect(database) as pg:
        session(pg)
        buffer: tuple[list, list, list] = ([], [], [])

        def flush() -> None:
            with pg.cursor() as cur:
                for name, lines in zip(names, buffer, strict=True):
                    t0 = time.perf_counter()
                    with cur.copy(gen.copy[name][0]) as copy:
                        copy.write("".join(lines))
                    stats["seconds"][name] += time.perf_counter() - t0
                    stats["counts"][name] += len(lines)
                    lines.clear()
            pg.commit()

        dossier_id, done = first_id, 0
        for day, count in zip(days, per_day, strict=True):
            if not count:
                continue
            t0 = time.perf_counter()
            d, e, comp, dossier_id = gen.day(day, count, dossier_id)
            stats["generation"] += time.perf_counter() - t0
            buffer[0].extend(d)
            buffer[1].extend(e)
            buffer[2].extend(comp)
            if len(buffer[0]) >= BATCH:
                flush()
                done += 1
                if done % 25 == 0:
                    print(
                        f"  [{seed}] {stats['counts']['Dossier']:>10,} dossiers "
                        f"{time.perf_counter() - started:7.1f} s",
                        flush=True,
                    )
        flush()
        t0 = time.perf_counter()
        with pg.cursor() as cur:
            cur.execute("CREATE TEMP TABLE tmp_counters (unit_id bigint, day date, last integer)")
            with cur.copy("COPY tmp_counters (unit_id, day, last) FROM STDIN") as copy:
                for key in gen.counters_touched:
                    copy.write_row([key[0], key[1], gen.counters[key]])
            cur.execute(
                "INSERT INTO dossiers_dossiercodecounter (unit_id, day, last) "
                "SELECT unit_id, day, last FROM tmp_counters ON CONFLICT (unit_id, day) "
                "DO UPDATE SET last = GREATEST(dossiers_dossiercodecounter.last, EXCLUDED.last)"
            )
        pg.commit()
        stats["seconds"]["DossierCodeCounter"] = time.perf_counter() - t0
        stats["counts"]["DossierCodeCounter"] = len(gen.counters_touched)
        stats["server_cpu"] = backend_cpu(pg)
    stats["total"] = time.perf_counter() - started
    stats["python_cpu"] = time.process_time() - cpu
    return stats


# --- official documents (for the accent-insensitive document search) ----------------------------

DOC_KINDS = ["Quyết định", "Công văn", "Tờ trình", "Báo cáo", "Kế hoạch", "Thông báo", "Giấy mời", "Biên bản"]
DOC_SUBJECTS = [
    "về việc phê duyệt kế hoạch sử dụng đất năm {year}",
    "về việc cấp giấy chứng nhận quyền sử dụng đất cho hộ {person}",
    "kết quả giải quyết thủ tục hành chính quý {quarter} năm {year}",
    "triển khai chuyển đổi số trong cơ quan hành chính năm {year}",
    "phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão {year}",
    "tiêm chủng mở rộng cho trẻ em dưới 5 tuổi",
    "xây dựng nông thôn mới nâng cao giai đoạn {year}–{next_year}",
    "đăng ký khai sinh, kết hôn trực tuyến toàn trình",
    "giao chỉ tiêu thu ngân sách nhà nước năm {year}",
    "khen thưởng tập thể, cá nhân có thành tích xuất sắc năm {year}",
    "tổ chức tiếp công dân định kỳ tháng {month}",
    "bồi thường, hỗ trợ tái định cư dự án đường tỉnh {road}",
    "cải cách hành chính và nâng cao chỉ số hài lòng của người dân",
    "bổ nhiệm cán bộ lãnh đạo phòng chuyên môn",
    "kiểm tra an toàn thực phẩm dịp Tết Nguyên đán {year}",
]
DOC_SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.",
    "Theo đề nghị của Trưởng phòng Tài nguyên và Môi trường.",
    "Ủy ban nhân dân đề nghị các cơ quan, đơn vị khẩn trương triển khai thực hiện.",
    "Giao Văn phòng theo dõi, đôn đốc và báo cáo kết quả trước ngày 25 hằng tháng.",
    "Thủ trưởng các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành.",
    "Kinh phí thực hiện từ nguồn ngân sách địa phương được giao trong dự toán.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Trong quá trình thực hiện, nếu có vướng mắc, phản ánh về Sở Nội vụ để tổng hợp.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98 phần trăm, không có hồ sơ tồn đọng.",
]


def load_documents(
    database: str, units: list[int], seed: int, count: int, first: int, first_version: int, now
):
    """One loader process: `count` official documents, one version each (no file on disk: only search
    reads them), ids from `first` and `first_version`."""
    import psycopg

    from egov.core.text import fold
    from egov.documents.models import Document, DocumentVersion

    rng = random.Random(seed)
    unit_weights = [rng.choice([1, 1, 2, 3, 6]) for _ in units]
    unit_cum = cumulative(unit_weights)
    people = [
        "ông Nguyễn Văn Hùng",
        "bà Trần Thị Lan",
        "ông Lê Đức Thắng",
        "bà Phạm Thị Hoà",
        "ông Đỗ Quang Vinh",
    ]
    document_copy, document_line = line_format(
        Document,
        ["id", "title", "search_title", "search_text", "unit_id", "created_at", "current_version_id"],
    )
    version_copy, version_line = line_format(
        DocumentVersion,
        ["id", "document_id", "file", "sha256", "size", "page_count", "text", "search_text", "created_at"],
        {
            "number": 1,
            "origin": "upload",
            "original_filename": "van-ban.pdf",
            "mime_type": "application/pdf",
            "has_signatures": True,
            "is_pdfa": False,
        },
    )
    document_line, version_line = document_line.format, version_line.format
    span_seconds = YEARS * 365 * 86400
    # fold() works letter by letter: each sentence is folded once here, each distinct title once.
    sentences = [(escape(sentence), escape(fold(sentence))) for sentence in DOC_SENTENCES]
    folded_titles: dict[str, str] = {}
    started, cpu = time.perf_counter(), time.process_time()
    documents, versions = [], []
    with psycopg.connect(database) as pg:
        session(pg)

        def flush() -> None:
            with pg.cursor() as cur:
                with cur.copy(document_copy) as copy:
                    copy.write("".join(documents))
                with cur.copy(version_copy) as copy:
                    copy.write("".join(versions))
            pg.commit()
            documents.clear()
            versions.clear()

        for offset in range(count):
            doc_id, version_id = first + offset, first_version + offset
            created = now - dt.timedelta(seconds=rng.randrange(span_seconds))
            year = created.year
            subject = rng.choice(DOC_SUBJECTS).format(
                year=year,
                next_year=year + 5,
                quarter=rng.randint(1, 4),
                month=rng.randint(1, 12),
                person=rng.choice(people),
                road=rng.randint(260, 273),
            )
            title = f"{rng.choice(DOC_KINDS)} {subject}"
            folded_title = folded_titles.get(title)
            if folded_title is None:
                folded_title = folded_titles[title] = escape(fold(title))
            body = rng.sample(sentences, rng.randint(3, 6))
            text = " ".join([title, *(plain for plain, _ in body)])
            folded_text = " ".join([folded_title, *(folded for _, folded in body)])
            unit = units[bisect.bisect_right(unit_cum, rng.random() * unit_cum[-1])]
            sha = f"{rng.getrandbits(256):064x}"
            # As egov.documents.services writes it: the folded title, then the version's text.
            documents.append(
                document_line(
                    doc_id, title, folded_title, f"{folded_title} {folded_text}", unit, created, version_id
                )
            )
            versions.append(
                version_line(
                    version_id,
                    doc_id,
                    f"bench/{sha[:2]}/{sha}.pdf",
                    sha,
                    rng.randint(40_000, 900_000),
                    rng.randint(1, 6),
                    text,
                    folded_text,
                    created,
                )
            )
            if len(documents) >= BATCH:
                flush()
        flush()
        server_cpu = backend_cpu(pg)
    return {
        "count": count,
        "seconds": time.perf_counter() - started,
        "python_cpu": time.process_time() - cpu,
        "server_cpu": server_cpu,
    }


# --- secondary indexes and foreign keys: dropped for the load, rebuilt after ----------------------

# The tables the load fills by the million. Their primary keys stay (other tables' foreign keys rest
# on them, and an ascending key costs little to maintain); every other index, unique constraint and
# foreign key is dropped before COPY and created again after: one sorted build per index and one
# anti-join per foreign key instead of a B-tree insert and a key lookup per row.
BULK_TABLES = (
    "dossiers_dossier",
    "dossiers_dossierevent",
    "dossiers_dossiercomponent",
    "documents_document",
    "documents_documentversion",
)
DOCUMENT_TABLES = ("documents_document", "documents_documentversion")


def schema_listing(pg) -> list[tuple]:
    """Every index and constraint on or pointing at the bulk tables, to compare before and after."""
    indexes = pg.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
        [list(BULK_TABLES)],
    ).fetchall()
    constraints = pg.execute(
        "SELECT conrelid::regclass::text, conname, contype, condeferrable, condeferred, convalidated, "
        "pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])",
        [list(BULK_TABLES), list(BULK_TABLES)],
    ).fetchall()
    return sorted(indexes) + sorted(constraints)


class Schema:
    def __init__(self, pg) -> None:
        tables = list(BULK_TABLES)
        self.listing = schema_listing(pg)
        # Indexes other than the primary keys and those a foreign key rests on.
        self.indexes = pg.execute(
            """
            SELECT i.indrelid::regclass::text, c.relname, pg_get_indexdef(i.indexrelid), con.conname,
                   con.condeferrable, con.condeferred, pg_relation_size(i.indrelid)
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                 AND con.contype <> 'f'
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND (con.contype IS NULL OR con.contype = 'u')
              AND NOT EXISTS (
                  SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid
              )
            ORDER BY 1, 2
            """,
            [tables],
        ).fetchall()
        self.foreign_keys = pg.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), confrelid::regclass::text "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        ).fetchall()

    def drop(self, pg) -> None:
        for table, name, *_ in self.foreign_keys:
            pg.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table, name, _sql, constraint, *_ in self.indexes:
            if constraint:
                pg.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            else:
                pg.execute(f'DROP INDEX "{name}"')
        pg.commit()

    def index_builds(self, tables) -> list[str]:
        """CREATE INDEX statements, the slowest first: GIN (one process, no parallel build), then by size."""
        rows = [row for row in self.indexes if row[0] in tables]
        rows.sort(key=lambda row: (" gin " not in row[2].lower(), -row[6]))
        return [row[2] for row in rows]

    def constraints(self, tables, references=None) -> list[str]:
        """The unique constraints over their rebuilt indexes, then the foreign keys (validated)."""
        out = []
        for table, name, _sql, constraint, deferrable, deferred, _size in self.indexes:
            if constraint and table in tables:
                timing = (" DEFERRABLE" if deferrable else "") + (" INITIALLY DEFERRED" if deferred else "")
                out.append(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" UNIQUE USING INDEX "{name}"{timing}'
                )
        for table, name, definition, target in self.foreign_keys:
            if table in tables and (references is None or target not in references):
                out.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return out


def run_sql(database: str, statements: list[str], log: list) -> None:
    """One connection's statements, each timed: wall and server CPU seconds.

    1 GB of sort memory (the foreign keys' check query gets it too); no parallel helpers: three
    connections already build three indexes at once on the two cores.
    """
    import psycopg

    with psycopg.connect(database, autocommit=True) as pg:
        pg.execute("SET maintenance_work_mem = '1GB'")
        pg.execute("SET max_parallel_maintenance_workers = 0")
        for statement in statements:
            t0, cpu = time.perf_counter(), backend_cpu(pg)
            pg.execute(statement)
            log.append((time.perf_counter() - t0, backend_cpu(pg) - cpu, statement))


def split_days(per_day: list[int], parts: int) -> list[tuple[int, int]]:
    """Contiguous runs of days with about the same number of dossiers each: (first day, end)."""
    total, bounds, start, done = sum(per_day), [], 0, 0
    for index, count in enumerate(per_day):
        done += count
        if len(bounds) < parts - 1 and done >= total * (len(bounds) + 1) / parts:
            bounds.append((start, index + 1))
            start = index + 1
    bounds.append((start, len(per_day)))
    return bounds


def main() -> int:
    args = parse_args()
    total = args.dossiers or SIZES[args.size]
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    prepare_database(args.database, reset=args.reset)

    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from egov.demo.seed import seed_demo
    from egov.dossiers.models import DossierCodeCounter
    from egov.organization.models import Unit

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    print("seed_demo:", seed_demo(), f"{time.perf_counter() - t:.1f} s", flush=True)

    cat = Catalogue()
    print(
        f"catalogue: {len(cat.versions)} current versions, {len(cat.communes)} communes, "
        f"{len(cat.centre)} service centre(s)",
        flush=True,
    )
    rng = random.Random(args.seed)
    now = timezone.now().astimezone(TZ).replace(tzinfo=None)  # naive local time, see Generator
    days = receipt_days(now.date() - dt.timedelta(days=1))
    # Day weights: +40 % over 5 years, Mondays +30 %, Fridays −10 %.
    span = (days[-1] - days[0]).days or 1
    weights = [
        (1 + 0.4 * (d - days[0]).days / span)
        * (1.3 if d.weekday() == 0 else 0.9 if d.weekday() == 4 else 1.0)
        for d in days
    ]
    per_day = [0] * len(days)
    day_cum = cumulative(weights)
    for _ in range(total):
        per_day[bisect.bisect_right(day_cum, rng.random() * day_cum[-1])] += 1

    counters = {
        (u, d): last for u, d, last in DossierCodeCounter.objects.values_list("unit_id", "day", "last")
    }
    units = list(Unit.objects.values_list("id", flat=True))
    document_count = DOCUMENTS[args.size] if args.documents is None else args.documents
    with psycopg.connect(args.database) as pg:

        def next_id(table: str) -> int:
            return pg.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]  # noqa: S608

        next_dossier = next_id("dossiers_dossier")
        first_document = (next_id("documents_document"), next_id("documents_documentversion"))
        schema = Schema(pg)
        schema.drop(pg)
    connection.close()  # the loaders are forked: none may share Django's connection

    dossier_tables = [table for table in BULK_TABLES if table not in DOCUMENT_TABLES]
    log: list[tuple[float, float, str]] = []
    load_started = time.perf_counter()
    phases: dict[str, float] = {}
    # Two dossier loaders and one document loader (processes: the generation is Python), the index
    # builds of each group of tables as soon as that group is loaded, while the other still loads.
    fork = multiprocessing.get_context("fork")
    with (
        ProcessPoolExecutor(3, mp_context=fork) as loaders,
        ThreadPoolExecutor(3) as builders,
        ThreadPoolExecutor(2) as groups,
    ):
        document_future = (
            loaders.submit(
                load_documents, args.database, units, args.seed * 10 + 9, document_count, *first_document, now
            )
            if document_count
            else None
        )
        dossier_futures = []
        for part, (first, end) in enumerate(split_days(per_day, 2)):
            dossier_futures.append(
                loaders.submit(
                    load_dossiers,
                    args.database,
                    cat,
                    args.seed * 10 + part,
                    now,
                    counters,
                    days[first:end],
                    per_day[first:end],
                    next_dossier + sum(per_day[:first]),
                )
            )

        def rebuild(name: str, futures: list, tables: list[str], references) -> list:
            results = [future.result() for future in futures]
            phases[f"{name} loaded"] = time.perf_counter() - load_started
            # VACUUM before the indexes: one heap pass (hint bits, visibility map) and no index to scan.
            jobs = [builders.submit(run_sql, args.database, [f"VACUUM {table}"], log) for table in tables]
            for job in jobs:
                job.result()
            jobs = [
                builders.submit(run_sql, args.database, [sql], log) for sql in schema.index_builds(tables)
            ]
            for job in jobs:
                job.result()
            run_sql(args.database, schema.constraints(tables, references), log)
            phases[f"{name} indexed"] = time.perf_counter() - load_started
            return results

        document_group = groups.submit(
            rebuild, "documents", [document_future] if document_future else [], list(DOCUMENT_TABLES), None
        )
        dossier_group = groups.submit(rebuild, "dossiers", dossier_futures, dossier_tables, DOCUMENT_TABLES)
        document_result = document_group.result()
        parts = dossier_group.result()
    # The dossier tables' foreign keys to the documents, once both sides are built.
    run_sql(
        args.database,
        [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition, target in schema.foreign_keys
            if table in dossier_tables and target in DOCUMENT_TABLES
        ],
        log,
    )
    phases["constraints"] = time.perf_counter() - load_started

    counts: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    for part in parts:
        for name, value in part["counts"].items():
            counts[name] += value
        for name, value in part["seconds"].items():
            seconds[name] += value
    gen_seconds = sum(part["generation"] for part in parts)
    python_cpu = sum(part["python_cpu"] for part in parts)
    server_cpu = sum(part["server_cpu"] for part in parts)
    with psycopg.connect(args.database, autocommit=True) as pg:
        t0 = time.perf_counter()
        for table in (*BULK_TABLES, "dossiers_dossiercodecounter"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            pg.execute(f"SELECT setval({sequence}, (SELECT coalesce(max(id), 1) FROM {table}))")  # noqa: S608
        pg.execute("VACUUM (ANALYZE)")
        analyze_seconds = time.perf_counter() - t0
        same = schema_listing(pg) == schema.listing
        size = pg.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database())), "
            "pg_database_size(current_database())"
        ).fetchone()
        status = pg.execute("SELECT status, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 1").fetchall()
        channel = pg.execute(
            "SELECT channel, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 1"
        ).fetchall()
        late = pg.execute(
            "SELECT count(*) FILTER (WHERE resolved_at > due_at), "
            "count(*) FILTER (WHERE supplement_count = 1), count(*) FILTER (WHERE supplement_count >= 2), "
            "count(*) FILTER (WHERE extension_count > 0), count(*) "
            "FROM dossiers_dossier"
        ).fetchone()
    load_seconds = time.perf_counter() - load_started

    print()
    print(
        "phases (from the start of the load):", ", ".join(f"{name} {at:.1f} s" for name, at in phases.items())
    )
    print(
        f"dossier loaders (2 processes): generation {gen_seconds:.1f} s wall, "
        f"Python {python_cpu:.1f} s CPU, PostgreSQL COPY {server_cpu:.1f} s CPU"
    )
    rows_total = 0
    for name in ("Dossier", "DossierEvent", "DossierComponent", "DossierCodeCounter"):
        rows_total += counts[name]
        secs = seconds[name] or 1e-9
        print(
            f"  {name:<20} {counts[name]:>11,} rows  COPY {secs:7.1f} s  "
            f"{counts[name] / secs:>12,.0f} rows/s (COPY only, summed over the loaders)"
        )
    dossiers_at = phases["dossiers loaded"]
    print(
        f"  all tables          {rows_total:>11,} rows  "
        f"{rows_total / dossiers_at:,.0f} rows/s end to end (incl. generation, beside the documents)"
    )
    if document_result:
        documents_loaded, documents_seconds = document_result[0]["count"], document_result[0]["seconds"]
        print(
            f"  Document + version  {documents_loaded:>11,} × 2 rows  {documents_seconds:.1f} s  "
            f"{2 * documents_loaded / documents_seconds:,.0f} rows/s (incl. generation; "
            f"Python {document_result[0]['python_cpu']:.1f} s CPU, "
            f"PostgreSQL {document_result[0]['server_cpu']:.1f} s CPU)"
        )
    log.sort(reverse=True)
    for kind in ("VACUUM", "CREATE", "ALTER"):
        entries = [entry for entry in log if entry[2].startswith(kind)]
        print(
            f"{kind:<6} × {len(entries):>2}: {sum(e[0] for e in entries):7.1f} s wall, "
            f"{sum(e[1] for e in entries):7.1f} s CPU (3 connections); slowest:"
        )
        for secs, cpu, statement in entries[:3]:
            print(f"  {secs:7.1f} s {cpu:7.1f} s CPU  {statement[:100]}")
    print(f"setval + VACUUM ANALYZE {analyze_seconds:.1f} s")
    print(f"schema (indexes, constraints) as migrated: {'identical' if same else 'DIFFERENT'}")
    print(f"database size {size[0]} ({size[1]:,} bytes)")
    print("status counts", status)
    print("channel counts", channel)
    print("late (resolved_at > due_at), 1 supplement, 2 supplements, extended, total:", late)
    print(f"load {load_seconds:.1f} s; total time {time.perf_counter() - started:.1f} s")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
