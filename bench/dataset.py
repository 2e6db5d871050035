"""Dataset generator: a realistic province on PostgreSQL for performance work (issue 6).

    .venv/bin/python bench/dataset.py --size small \
        --database postgres://postgres@127.0.0.1:5432/egov_bench [--reset] [--seed 6]

Creates (or with --reset drops and re-creates) the target database, migrates it, seeds the demo
province (units, staff, catalogue, and its 48 demo dossiers) with egov.demo.seed.seed_demo(), then
loads generated dossiers, their events, components and code counters with COPY.

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
import json
import os
import random
import sys
import time
from collections import defaultdict
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


def add_working_days(moment: dt.datetime, days: float) -> dt.datetime:
    """Whole days skip Saturday/Sunday; a fractional rest is added as clock hours (8 h = 1 day)."""
    whole = int(days)
    current = moment
    while whole > 0:
        current += dt.timedelta(days=1)
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
    return dt.datetime(day.year, day.month, day.day, start // 60, start % 60, rng.randrange(60), tzinfo=TZ)


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
            v["components"] = components[v["id"]] or [(None, "Tờ khai")]
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


# --- the generator --------------------------------------------------------------------------------


class Generator:
    def __init__(self, cat: Catalogue, rng: random.Random, now: dt.datetime, counters: dict) -> None:
        from egov.core.text import fold
        from egov.integrations.simulated_citizens import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES

        self.cat, self.rng, self.now, self.fold = cat, rng, now, fold
        self.family, self.middle, self.given = FAMILY_NAMES, MIDDLE_NAMES, GIVEN_NAMES
        self.counters = counters  # (unit_id, day) -> last sequence
        self.counters_touched: set = set()

    def name(self) -> str:
        rng = self.rng
        sex = rng.choice(list(self.middle.keys()))
        return f"{rng.choice(self.family)} {rng.choice(self.middle[sex])} {rng.choice(self.given[sex])}"

    def actor(self, unit_id: int):
        people = self.cat.actors.get(unit_id)
        return self.rng.choice(people) if people else self.rng.choice(self.cat.any_staff)

    def day(self, day: dt.date, count: int, dossier_id: int, event_id: int, component_id: int):
        """Rows of `count` dossiers received on `day`: (dossiers, events, components)."""
        rng, cat, now = self.rng, self.cat, self.now
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
        for received_at, version, unit in drafts:
            unit_id = unit["id"]
            key = (unit_id, day)
            seq = self.counters.get(key, 0) + 1
            self.counters[key] = seq
            self.counters_touched.add(key)
            code = f"{unit['identifier']}-{day:%y%m%d}-{seq:04d}"
            competent_id = version["competent_unit_id"] or unit_id
            r = rng.random()
            channel = DIRECT if r < 0.65 else ONLINE if r < 0.95 else POSTAL
            applicant = self.name()
            owner = applicant if rng.random() < 0.8 else self.name()
            id_number = f"0{rng.randrange(1, 96):02d}{rng.randrange(10**9):09d}"
            limit, unit_kind = version["limit"], version["time_limit_unit"]
            due_at = limit_to_due(received_at, limit, unit_kind)
            span = due_at - received_at
            created_at = (
                received_at - dt.timedelta(hours=rng.uniform(1, 20)) if channel == ONLINE else received_at
            )
            ev = []  # (at, actor, kind, from, to, from_unit, to_unit, data)
            actor = self.actor(unit_id)
            if channel == ONLINE:
                ev.append((created_at, None, "submitted_online", None, REGISTERED, None, unit_id, {}))
                ev.append((received_at, actor, "received", REGISTERED, RECEIVED, None, unit_id, {}))
            else:
                ev.append((received_at, actor, "received", None, RECEIVED, None, unit_id, {}))
            forwarded_at = None
            forward_step = competent_id != unit_id
            t = received_at + dt.timedelta(minutes=rng.randrange(20, 240))
            forwarded_at = t
            ev.append(
                (
                    t,
                    actor,
                    "forwarded",
                    RECEIVED,
                    PROCESSING,
                    unit_id,
                    competent_id,
                    {"late_forwarding": False},
                )
            )
            # Supplements: ~8 % one, ~2 % two (two counts as late, QĐ 766 2.1).
            r = rng.random()
            supplements = 2 if r < 0.02 else 1 if r < 0.10 else 0
            paused_at = None
            paused_minutes = 0
            clock_start = received_at
            for _s in range(supplements):
                asked = clock_start + span * rng.uniform(0.1, 0.4)
                supplied = asked + dt.timedelta(days=rng.uniform(1, 10))
                if supplied > now:
                    paused_at = asked if asked <= now else None
                    if paused_at:
                        ev.append(
                            (
                                asked,
                                self.actor(competent_id),
                                "supplement_requested",
                                PROCESSING,
                                SUPPLEMENT,
                                None,
                                None,
                                {},
                            )
                        )
                    break
                ev.append(
                    (
                        asked,
                        self.actor(competent_id),
                        "supplement_requested",
                        PROCESSING,
                        SUPPLEMENT,
                        None,
                        None,
                        {},
                    )
                )
                ev.append((supplied, actor, "supplement_received", SUPPLEMENT, PROCESSING, None, None, {}))
                paused_minutes += int((supplied - asked).total_seconds() // 60)
                clock_start = supplied
                due_at = limit_to_due(supplied, limit, unit_kind)
            extension = 0
            if paused_at is None and rng.random() < 0.03:
                extension = 1
                old = due_at
                due_at = add_working_days(due_at, rng.randint(2, 5))
                at = old - dt.timedelta(days=1)
                ev.append(
                    (
                        at,
                        self.actor(competent_id),
                        "extended",
                        None,
                        None,
                        None,
                        None,
                        {"old_due_at": old.isoformat(), "new_due_at": due_at.isoformat()},
                    )
                )
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
                        {},
                    )
                )
                current_unit = unit_id
                step = version["steps"]
                if returned_at > now or rng.random() < 0.03:
                    status = RESOLVED
                else:
                    status, ret_returned, closed_at = RETURNED, returned_at, returned_at
                    ev.append((returned_at, actor, "returned", RESOLVED, RETURNED, None, None, {}))
            if status in (WITHDRAWN, STOPPED):
                if closed_at > now:
                    closed_at = now - dt.timedelta(minutes=1)
                ev.append(
                    (
                        closed_at,
                        actor,
                        "withdrawn" if status == WITHDRAWN else "stopped",
                        PROCESSING,
                        status,
                        None,
                        None,
                        {},
                    )
                )
            if status == RECEIVED:
                ev = [e for e in ev if e[2] != "forwarded"]
                forwarded_at, current_unit, step = None, unit_id, 1
            return_method = (
                ""
                if ret_returned is None
                else ("online" if channel == ONLINE else "post" if channel == POSTAL else "desk")
            )
            fee = version["fee"]
            dossiers.append(
                {
                    "id": dossier_id,
                    "code": code,
                    "procedure_id": version["procedure_id"],
                    "procedure_version_id": version["id"],
                    "receiving_unit_id": unit_id,
                    "competent_unit_id": competent_id,
                    "current_unit_id": current_unit,
                    "current_step": min(step, version["steps"]),
                    "channel": channel,
                    "status": status,
                    "applicant_name": applicant,
                    "applicant_id_number": id_number,
                    "applicant_address": "",
                    "owner_name": owner,
                    "from_population_db": channel == ONLINE,
                    "subject": version["name"][:500],
                    "search_text": self.fold(f"{code} {applicant} {owner} {id_number}"),
                    "received_at": received_at,
                    "due_at": due_at,
                    "forward_due_at": received_at + dt.timedelta(hours=8),
                    "forwarded_at": forwarded_at,
                    "paused_at": paused_at,
                    "paused_minutes": paused_minutes,
                    "supplement_count": sum(1 for e in ev if e[2] == "supplement_requested"),
                    "extension_count": extension,
                    "resolved_at": ret_resolved,
                    "returned_at": ret_returned,
                    "closed_at": closed_at,
                    "outcome": outcome,
                    "return_method": return_method,
                    "counts_as_late": supplements >= 2 and paused_at is None,
                    "fee_amount": fee,
                    "fee_paid_at": received_at if fee else None,
                    "fee_payment_method": ("online" if channel == ONLINE else "direct") if fee else "",
                    "created_at": created_at,
                }
            )
            ev.sort(key=lambda e: e[0])
            for at, who, kind, fs, ts, fu, tu, data in ev:
                events.append(
                    {
                        "id": event_id,
                        "dossier_id": dossier_id,
                        "at": at,
                        "actor_id": who,
                        "kind": kind,
                        "from_status": fs,
                        "to_status": ts,
                        "from_unit_id": fu,
                        "to_unit_id": tu,
                        "data": json.dumps(data),
                    }
                )
                event_id += 1
            for position, (component, cname) in enumerate(
                version["components"][: rng.randint(1, 3)], start=1
            ):
                components.append(
                    {
                        "id": component_id,
                        "dossier_id": dossier_id,
                        "catalogue_component_id": component,
                        "position": position,
                        "name": cname,
                        "is_required": True,
                        "is_digitised": False,
                        "exemption": "shown_only",
                    }
                )
                component_id += 1
            dossier_id += 1
        return dossiers, events, components, dossier_id, event_id, component_id


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


def load_documents(pg, cat: Catalogue, rng: random.Random, count: int, now: dt.datetime) -> tuple[int, float]:
    """COPY `count` official documents, one version each (no file on disk: only search reads them)."""
    from egov.core.text import fold
    from egov.documents.models import Document, DocumentVersion
    from egov.organization.models import Unit

    units = list(Unit.objects.values_list("id", flat=True))
    unit_weights = [rng.choice([1, 1, 2, 3, 6]) for _ in units]
    unit_cum = cumulative(unit_weights)
    people = [
        "ông Nguyễn Văn Hùng",
        "bà Trần Thị Lan",
        "ông Lê Đức Thắng",
        "bà Phạm Thị Hoà",
        "ông Đỗ Quang Vinh",
    ]
    specs = (copy_spec(Document), copy_spec(DocumentVersion))
    first = pg.execute("SELECT coalesce(max(id), 0) FROM documents_document").fetchone()[0] + 1
    first_version = pg.execute("SELECT coalesce(max(id), 0) FROM documents_documentversion").fetchone()[0] + 1
    span_seconds = YEARS * 365 * 86400
    # fold() works letter by letter, so the body's folded sentences are folded once here.
    sentences = [(sentence, fold(sentence)) for sentence in DOC_SENTENCES]
    started = time.perf_counter()
    documents, versions = [], []
    # Building the trigram index once after the load is many times faster than updating it per row.
    trigram = pg.execute(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'document_search_trgm'"
    ).fetchone()
    if trigram:
        pg.execute("DROP INDEX document_search_trgm")

    def flush() -> None:
        with pg.cursor() as cur:
            copy_rows(cur, specs[0], documents)
            copy_rows(cur, specs[1], versions)
        pg.commit()  # the two foreign keys between the tables are checked here (deferred)
        documents.clear()
        versions.clear()

    for n in range(count):
        doc_id, version_id = first + n, first_version + n
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
        folded_title = fold(title)
        body = rng.sample(sentences, rng.randint(3, 6))
        text = " ".join([title, *(plain for plain, _ in body)])
        folded_text = " ".join([folded_title, *(folded for _, folded in body)])
        unit = units[bisect.bisect_right(unit_cum, rng.random() * unit_cum[-1])]
        sha = f"{rng.getrandbits(256):064x}"
        documents.append(
            {
                "id": doc_id,
                "title": title,
                "search_title": folded_title,
                # As egov.documents.services writes it: the folded title, then the version's text.
                "search_text": f"{folded_title} {folded_text}",
                "unit_id": unit,
                "created_at": created,
                "current_version_id": version_id,
            }
        )
        versions.append(
            {
                "id": version_id,
                "document_id": doc_id,
                "number": 1,
                "origin": "upload",
                "file": f"bench/{sha[:2]}/{sha}.pdf",
                "original_filename": "van-ban.pdf",
                "sha256": sha,
                "size": rng.randint(40_000, 900_000),
                "mime_type": "application/pdf",
                "page_count": rng.randint(1, 6),
                "has_signatures": True,
                "is_pdfa": False,
                "text": text,
                "search_text": folded_text,
                "created_at": created,
            }
        )
        if len(documents) >= BATCH:
            flush()
    flush()
    if trigram:
        pg.execute("SET maintenance_work_mem = '512MB'")
        pg.execute(trigram[0])
    for table in ("documents_document", "documents_documentversion"):
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        pg.execute(f"SELECT setval({sequence}, (SELECT coalesce(max(id), 1) FROM {table}))")  # noqa: S608
    pg.commit()
    return count, time.perf_counter() - started


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


def copy_rows(cursor, spec, rows: list[dict]) -> None:
    table, columns, fields = spec
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(name, default) for name, default in fields])


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
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from egov.demo.seed import seed_demo
    from egov.dossiers.models import Dossier, DossierCodeCounter, DossierComponent, DossierEvent

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
    now = timezone.now().astimezone(TZ)
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
    gen = Generator(cat, rng, now, counters)
    specs = {m: copy_spec(m) for m in (Dossier, DossierEvent, DossierComponent)}
    with connection.cursor() as c:
        c.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
        next_dossier = c.fetchone()[0] + 1
        c.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossierevent")
        next_event = c.fetchone()[0] + 1
        c.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossiercomponent")
        next_component = c.fetchone()[0] + 1

    import psycopg

    counts = defaultdict(int)
    seconds = defaultdict(float)
    gen_seconds = 0.0
    load_started = time.perf_counter()
    with psycopg.connect(args.database) as pg:
        pg.execute("SET synchronous_commit = off")
        buffer = ([], [], [])

        def flush() -> None:
            with pg.cursor() as cur:
                for model, rows in zip((Dossier, DossierEvent, DossierComponent), buffer, strict=True):
                    t0 = time.perf_counter()
                    copy_rows(cur, specs[model], rows)
                    seconds[model.__name__] += time.perf_counter() - t0
                    counts[model.__name__] += len(rows)
                    rows.clear()
            pg.commit()

        for day, count in zip(days, per_day, strict=True):
            if not count:
                continue
            t0 = time.perf_counter()
            d, e, comp, next_dossier, next_event, next_component = gen.day(
                day, count, next_dossier, next_event, next_component
            )
            gen_seconds += time.perf_counter() - t0
            buffer[0].extend(d)
            buffer[1].extend(e)
            buffer[2].extend(comp)
            if len(buffer[0]) >= BATCH:
                flush()
                print(
                    f"  {counts['Dossier']:>10,} dossiers  {time.perf_counter() - load_started:7.1f} s",
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
        seconds["DossierCodeCounter"] = time.perf_counter() - t0
        counts["DossierCodeCounter"] = len(gen.counters_touched)
        load_seconds = time.perf_counter() - load_started
        document_count = DOCUMENTS[args.size] if args.documents is None else args.documents
        documents_loaded, documents_seconds = load_documents(pg, cat, rng, document_count, now)
        pg.autocommit = True
        t0 = time.perf_counter()
        for table in (
            "dossiers_dossier",
            "dossiers_dossierevent",
            "dossiers_dossiercomponent",
            "dossiers_dossiercodecounter",
        ):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            pg.execute(f"SELECT setval({sequence}, (SELECT coalesce(max(id), 1) FROM {table}))")  # noqa: S608
        pg.execute("VACUUM (ANALYZE)")
        analyze_seconds = time.perf_counter() - t0
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

    print()
    print(f"generation (Python) {gen_seconds:.1f} s; load incl. generation {load_seconds:.1f} s")
    rows_total = 0
    for name in ("Dossier", "DossierEvent", "DossierComponent", "DossierCodeCounter"):
        rows_total += counts[name]
        secs = seconds[name] or 1e-9
        print(
            f"  {name:<20} {counts[name]:>11,} rows  COPY {secs:7.1f} s  "
            f"{counts[name] / secs:>12,.0f} rows/s (COPY only)"
        )
    print(
        f"  all tables          {rows_total:>11,} rows  "
        f"{rows_total / load_seconds:,.0f} rows/s end to end (incl. generation)"
    )
    if documents_loaded:
        print(
            f"  Document + version  {documents_loaded:>11,} × 2 rows  {documents_seconds:.1f} s  "
            f"{2 * documents_loaded / documents_seconds:,.0f} rows/s (incl. generation)"
        )
    print(f"setval + VACUUM ANALYZE {analyze_seconds:.1f} s")
    print(f"database size {size[0]} ({size[1]:,} bytes)")
    print("status counts", status)
    print("channel counts", channel)
    print("late (resolved_at > due_at), 1 supplement, 2 supplements, extended, total:", late)
    print(f"total time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
