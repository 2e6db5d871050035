"""Three endpoints: insert one row from a JSON body, look one row up by its unique code, and
`register`: the floor of egov's desk receipt, the same rows in one transaction in hand-written SQL."""

import hashlib
import json
import random

from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from bare.models import Record


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    data = json.loads(request.body)
    record = Record.objects.create(code=data["code"], name=data["name"], unit=data["unit"])
    return JsonResponse({"id": record.pk, "code": record.code}, status=201)


def lookup(request: HttpRequest, code: str) -> JsonResponse:
    record = Record.objects.filter(code=code).values("code", "name", "unit", "status", "created_at").first()
    if record is None:
        raise Http404
    return JsonResponse(record)


CHAINS = 16  # as egov's EGOV_AUDIT_CHAINS default


@csrf_exempt
def register(request: HttpRequest) -> HttpResponse:
    """What a desk receipt must write, with no validation, ORM or rules: a day number, the header,
    its papers, two events, a tracking-book number, one hash-chained audit entry and two outbox
    rows; 9 statements in one transaction. egov's receipt cannot be faster than this."""
    if request.method != "POST":
        return HttpResponse(status=405)
    data = json.loads(request.body)
    now = timezone.now()
    unit = data["unit"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bare_daycounter (unit, day, last) VALUES (%s, %s, 1) ON CONFLICT (unit, day) "
            "DO UPDATE SET last = bare_daycounter.last + 1 RETURNING last",
            [unit, now.date()],
        )
        number = cursor.fetchone()[0]
        code = f"{unit}-{now:%y%m%d}-{number:04d}-{random.randrange(10**9)}"
        cursor.execute(
            "INSERT INTO bare_record (code, name, unit, status, created_at, due_at) "
            "VALUES (%s, %s, %s, 2, %s, %s) RETURNING id",
            [code, data["name"], unit, now, now],
        )
        record = cursor.fetchone()[0]
        papers = data["papers"]
        rows = ", ".join(["(%s, %s, %s)"] * len(papers))  # placeholders only
        cursor.execute(
            f"INSERT INTO bare_paper (record_id, position, name) VALUES {rows}",  # noqa: S608
            [v for n, name in enumerate(papers, 1) for v in (record, n, name)],
        )
        cursor.execute(
            "INSERT INTO bare_event (record_id, at, kind, data) VALUES (%s, %s, 'registered', '{}'), "
            "(%s, %s, 'accepted', '{}')",
            [record, now, record, now],
        )
        cursor.execute(
            "INSERT INTO bare_daycounter (unit, day, last) VALUES (%s, %s, 1) ON CONFLICT (unit, day) "
            "DO UPDATE SET last = bare_daycounter.last + 1 RETURNING last",
            [unit + "/book", now.date().replace(month=1, day=1)],
        )
        chain = hash(code) % CHAINS
        cursor.execute(
            "INSERT INTO bare_chainhead (chain, last_seq, last_hash) VALUES (%s, 0, %s) "
            "ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain RETURNING last_seq, last_hash",
            [chain, "0" * 64],
        )
        seq, previous = cursor.fetchone()
        after = json.dumps({"code": code, "status": 2})
        digest = hashlib.sha256(
            f"{chain}|{seq + 1}|{now.isoformat()}|{after}|{previous}".encode()
        ).hexdigest()
        cursor.execute(
            "INSERT INTO bare_chainentry (chain, seq, at, action, after, prev_hash, hash) "
            "VALUES (%s, %s, %s, 'dossier.registered', %s, %s, %s)",
            [chain, seq + 1, now, after, previous, digest],
        )
        cursor.execute(
            "UPDATE bare_chainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
            [seq + 1, digest, chain],
        )
        cursor.execute(
            "INSERT INTO bare_outbox (record_id, kind, payload, state) VALUES (%s, 'sms', %s, 1), "
            "(%s, 'portal', %s, 1)",
            [record, after, record, after],
        )
    return JsonResponse({"id": record, "code": code}, status=201)


urlpatterns = [path("insert", insert), path("lookup/<str:code>", lookup), path("register", register)]
