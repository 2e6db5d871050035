"""A backup restores into a fresh database and data directory with every row, every file and an
intact audit chain; a restore that lacks anything says so."""

import hashlib
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from egov.core import audit, audit_anchors
from egov.core.models import AuditEntry
from egov.core.tests.server import ROOT, database_url
from egov.documents.models import DocumentVersion
from egov.dossiers.models import Dossier, Notification
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)
TABLES = {
    Dossier: "dossiers_dossier",
    DocumentVersion: "documents_documentversion",
    AuditEntry: "core_auditentry",
    Notification: "dossiers_notification",
}


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the test database's kind: (DATABASE_URL, a function counting rows)."""
    if connection.vendor != "postgresql":
        path = tmp_path / "restored.sqlite3"

        def count_sqlite(table: str) -> int:
            with sqlite3.connect(path) as db:
                return int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608

        yield f"sqlite:///{path}", count_sqlite
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"{database_url().rsplit('/', 1)[0]}/{name}"

    def count_postgresql(table: str) -> int:
        with psycopg.connect(url) as db:
            return int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608

    yield url, count_postgresql
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def dossiers(province):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.sl")
    version = commune_procedure()
    return [receive(version, province.commune, desk, name=f"Người nộp {n}") for n in range(3)]


def manage(
    *args: str, database: str, var_dir: Path, anchors: Path | None = None
) -> subprocess.CompletedProcess[str]:
    # The PKI is configuration, not data: the restored installation trusts the same TSA.
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "EGOV_VAR_DIR": str(var_dir),
        "EGOV_PKI_DIR": str(settings.EGOV_PKI_DIR),
        "EGOV_AUDIT_ANCHOR_DIR": str(anchors or var_dir / "audit-anchors"),
    }
    return subprocess.run(  # noqa: S603 — our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_restores_into_a_fresh_database_with_every_row_file_and_audit_entry(
    dossiers, fresh_database, tmp_path
):
    url, count = fresh_database
    call_command("audit_checkpoint")
    call_command("backup", str(tmp_path / "backups"), "--keep", "2")
    (archive,) = (tmp_path / "backups").glob("egov-backup-*.tar")
    restored_var = tmp_path / "restored-var"

    restored = manage("restore", str(archive), database=url, var_dir=restored_var)

    assert restored.returncode == 0, restored.stderr
    assert "audit log intact" in restored.stdout
    for model, table in TABLES.items():
        assert count(table) == model._default_manager.count() > 0, table
    versions = list(DocumentVersion.objects.all())
    assert len(versions) >= 3
    for version in versions:
        copy = restored_var / "media" / version.file.name
        assert sha256(copy) == version.sha256
    audit = manage("verify_audit", database=url, var_dir=restored_var)
    assert audit.returncode == 0, audit.stderr
    assert f"{AuditEntry.objects.count()} entries verified" in audit.stdout
    assert "1 anchors verified" in audit.stdout
    assert [p.name for p in (restored_var / "audit-anchors").iterdir()] == [
        p.name for p in audit_anchors.anchor_files()
    ]

    again = manage("restore", str(archive), database=url, var_dir=restored_var)
    assert again.returncode != 0
    assert "the database is not empty" in again.stderr


def test_a_restore_missing_a_file_says_which(dossiers, fresh_database, tmp_path):
    url, _count = fresh_database
    call_command("backup", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("egov-backup-*.tar")
    lost = DocumentVersion.objects.first().file.name
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            if member.name != f"media/{lost}":
                copy.addfile(member, source.extractfile(member) if member.isfile() else None)

    restored = manage("restore", str(damaged), database=url, var_dir=tmp_path / "restored-var")

    assert restored.returncode != 0
    assert f"file {lost} is missing" in restored.stderr


def test_a_restore_older_than_the_kept_anchors_says_what_was_lost(dossiers, fresh_database, tmp_path):
    url, _count = fresh_database
    call_command("audit_checkpoint")
    call_command("backup", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("egov-backup-*.tar")
    later = audit.record(actor=None, action="test.after_backup", object_type="t", object_id="1")
    call_command("audit_checkpoint")  # on the write-once storage, which outlives the database

    restored = manage(
        "restore",
        str(archive),
        database=url,
        var_dir=tmp_path / "restored-var",
        anchors=audit_anchors.directory(),
    )

    assert restored.returncode != 0
    assert f"chain {later.chain}: entry #{later.seq}" in restored.stderr
    assert "truncated" in restored.stderr
    assert len(audit_anchors.read_anchors()[0]) == 2  # the kept anchors were not replaced
