"""Backups of an installation: the database and the uploaded files in one archive, and its restore.

`manage.py backup DIR` writes `egov-backup-<UTC time>.tar` holding
- `database.pgdump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite's online
  backup API, consistent while egov runs);
- `media/`: every file under MEDIA_ROOT, copied after the database snapshot, so every file the
  snapshot names is there (files are immutable versions, written before their row commits);
- `manifest.json`: the row count of every table and the SHA-256 of every file the database names,
  both read from the same snapshot as the dump;
- `audit-anchors/`: the audit chains' anchors (egov.core.audit_anchors), copied before the
  database snapshot, so the snapshot holds at least what every copied anchor names.

`manage.py restore ARCHIVE` loads it into the configured database, which must be empty, and
MEDIA_ROOT, which must be empty; puts the anchors into EGOV_AUDIT_ANCHOR_DIR when that holds none
(anchors already there, on their write-once storage, are the authority and are kept); then checks
that every table has the manifest's count, that every file is there with its checksum, and that
the audit chains verify, against the anchors too. See docs/howto/deploy.md.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from egov.core import audit_anchors
from egov.core.audit import verify_chain

FORMAT = 1
PREFIX = "egov-backup-"
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
ANCHORS = "audit-anchors"

Query = Callable[[str], list[tuple[Any, ...]]]


class BackupError(Exception):
    """The backup or the restore could not be done (the message says why)."""


def _tables() -> list[str]:
    """Every table egov's models (and their many-to-many tables) keep rows in."""
    names = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(names)


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field."""
    found = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                found.append((model._meta.db_table, str(model_field.column)))
    return sorted(found)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _inventory(query: Query, quote: Callable[[str], str]) -> dict[str, Any]:
    """The manifest's counts and file list, read through `query` (one consistent snapshot)."""
    counts = {table: int(query(f"SELECT COUNT(*) FROM {quote(table)}")[0][0]) for table in _tables()}  # noqa: S608
    names: set[str] = set()
    for table, column in _file_columns():
        rows = query(f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")  # noqa: S608
        names.update(str(row[0]) for row in rows)
    media = Path(settings.MEDIA_ROOT)
    files, missing = {}, []
    for name in sorted(names):
        path = media / name
        if path.is_file():
            files[name] = _sha256(path)
        else:
            missing.append(name)
    return {"counts": counts, "files": files, "missing_files": missing}


def _postgresql_snapshot(work: Path) -> dict[str, Any]:
    """pg_dump of a snapshot held open by this connection, and the inventory of the same snapshot."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]

        def query(sql: str) -> list[tuple[Any, ...]]:
            cursor.execute(sql)
            return list(cursor.fetchall())

        inventory = _inventory(query, connection.ops.quote_name)
        db = connection.settings_dict
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                *_pg_connection_args(db),
                f"--file={work / PG_DUMP}",
                db["NAME"],
            ],
            db,
        )
        return inventory


def _sqlite_snapshot(work: Path) -> dict[str, Any]:
    """SQLite's online backup (consistent even while others write), inventoried from the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(work / SQLITE_COPY)
    try:
        connection.connection.backup(copy)
        return _inventory(lambda sql: copy.execute(sql).fetchall(), lambda name: f'"{name}"')
    finally:
        copy.close()


def _pg_connection_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    return args


def _run(command: list[str], db: dict[str, Any]) -> None:
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    if not shutil.which(command[0]):
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _latest_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app")
        return dict(cursor.fetchall())


def backup(directory: Path, *, keep: int | None = None) -> Path:
    """Write one archive into `directory`; with `keep`, delete all but the newest `keep` archives."""
    directory.mkdir(parents=True, exist_ok=True)
    taken_at = dt.datetime.now(dt.UTC)
    archive = directory / f"{PREFIX}{taken_at:%Y%m%dT%H%M%SZ}.tar"
    with tempfile.TemporaryDirectory(prefix="egov-backup-", dir=directory) as work_name:
        work = Path(work_name)
        anchors = work / ANCHORS
        anchors.mkdir()
        for path in audit_anchors.anchor_files():  # before the snapshot: see the module's docstring
            shutil.copy2(path, anchors / path.name)
        if connection.vendor == "postgresql":
            inventory = _postgresql_snapshot(work)
            database = PG_DUMP
        elif connection.vendor == "sqlite":
            inventory = _sqlite_snapshot(work)
            database = SQLITE_COPY
        else:
            raise BackupError(f"backups of {connection.vendor} are not supported")
        manifest = {
            "format": FORMAT,
            "taken_at": taken_at.isoformat(),
            "vendor": connection.vendor,
            "database": database,
            "migrations": _latest_migrations(),
            **inventory,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)
            tar.add(work / database, arcname=database)
            tar.add(anchors, arcname=ANCHORS)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="media")
        partial.rename(archive)  # a crash never leaves a half-written archive under the real name
    if keep:
        for old in sorted(directory.glob(f"{PREFIX}*.tar"))[:-keep]:
            old.unlink()
    return archive


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    audit_entries: int = 0
    audit_anchors: int = 0
    problems: list[str] = field(default_factory=list)


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(archive: Path) -> RestoreReport:
    """Load `archive` into the (empty) configured database and MEDIA_ROOT, then check it all."""
    media = Path(settings.MEDIA_ROOT)
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore into a new database")
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(f"{media} is not empty: restore into a new EGOV_VAR_DIR")
    with tempfile.TemporaryDirectory(prefix="egov-restore-") as work_name, tarfile.open(archive) as tar:
        work = Path(work_name)
        tar.extractall(work, filter="data")  # refuses absolute paths, .. and links out of work/
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("vendor") != connection.vendor:
            raise BackupError(
                f"this archive holds a {manifest.get('vendor')} database; egov is configured for "
                f"{connection.vendor}"
            )
        _load_database(work / manifest["database"])
        if (work / "media").is_dir():
            media.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / "media", media, dirs_exist_ok=True)
        if (work / ANCHORS).is_dir() and not audit_anchors.anchor_files():
            shutil.copytree(work / ANCHORS, audit_anchors.directory(), dirs_exist_ok=True)
    return check(manifest)


def _load_database(dump: Path) -> None:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *_pg_connection_args(db),
                f"--dbname={db['NAME']}",
                str(dump),
            ],
            db,
        )
    else:
        connection.close()
        target = Path(db["NAME"])
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(dump, target)


def check(manifest: dict[str, Any]) -> RestoreReport:
    """Compare the database and MEDIA_ROOT with a backup's manifest; verify the audit chain."""
    report = RestoreReport()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, expected in manifest["counts"].items():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            found = int(cursor.fetchone()[0])
            report.tables += 1
            report.rows += found
            if found != expected:
                report.problems.append(f"table {table}: {found} rows, the backup had {expected}")
    media = Path(settings.MEDIA_ROOT)
    for name, digest in manifest["files"].items():
        path = media / name
        if not path.is_file():
            report.problems.append(f"file {name} is missing")
        elif _sha256(path) != digest:
            report.problems.append(f"file {name} differs from the backup")
        else:
            report.files += 1
    for name in manifest["missing_files"]:
        report.problems.append(f"file {name} was already missing at the backup")
    checked, chain_problems = verify_chain()
    report.audit_entries = checked
    report.problems.extend(f"audit log {p}" for p in chain_problems)
    anchors = audit_anchors.verify()
    report.audit_anchors = anchors.anchors
    report.problems.extend(f"audit log {p}" for p in anchors.problems or [])
    return report
