"""Files stored inside a larger transaction go away with it; a sweep removes what a crash left."""

import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from egov.documents import services
from egov.documents.models import Document
from egov.documents.tests.files import pdf_bytes
from egov.documents.tests.helpers import stored_files, upload


class RefusedError(Exception):
    pass


def test_a_rolled_back_outer_transaction_leaves_no_file(media, specialist, province):
    def receive_and_fail() -> None:
        with services.atomic_with_files():
            services.create_document(
                title="Tờ khai",
                unit=province.department,
                file=upload("to-khai.pdf", pdf_bytes("To khai")),
                uploaded_by=specialist,
            )
            raise RefusedError  # e.g. the dossier these scans belong to could not be received

    with pytest.raises(RefusedError):
        receive_and_fail()

    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_a_committed_outer_transaction_keeps_its_files(media, specialist, province):
    with services.atomic_with_files():
        document = services.create_document(
            title="Tờ khai",
            unit=province.department,
            file=upload("to-khai.pdf", pdf_bytes("To khai")),
            uploaded_by=specialist,
        )

    assert default_storage.exists(str(document.current_version.file.name))


def test_the_sweep_removes_old_unreferenced_files_only(media, specialist, province, capsys):
    kept = services.create_document(
        title="Giữ",
        unit=province.department,
        file=upload("giu.pdf", pdf_bytes("Giu lai")),
        uploaded_by=specialist,
    )
    orphan = media / "documents" / "ab" / "cd" / ("abcd" + "0" * 60)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.4 left by a crash")
    old = time.time() - 7200
    os.utime(orphan, (old, old))

    call_command("sweep_orphan_files")

    assert not orphan.exists()
    assert default_storage.exists(str(kept.current_version.file.name))
    assert "removed 1 orphan file(s)" in capsys.readouterr().out
