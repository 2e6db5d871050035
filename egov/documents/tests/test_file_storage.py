"""Use case: files are stored once per content, and never left behind by a failed save."""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError

from egov.core import audit
from egov.documents import services
from egov.documents.models import Document, DocumentVersion
from egov.documents.tests.files import pdf_bytes
from egov.documents.tests.helpers import make_document, stored_files, upload


def test_same_content_twice_is_stored_once(specialist, province, media):
    content = pdf_bytes("Cung mot noi dung")

    first = make_document(specialist, province.department, "Bản 1", content=content)
    second = make_document(specialist, province.department, "Bản 2", content=content)

    assert first.current_version.file.name == second.current_version.file.name
    assert first.current_version.preview.name == second.current_version.preview.name
    assert len(stored_files(media)) == 2  # one file, one preview


def test_failure_after_the_file_write_leaves_no_file_and_no_rows(specialist, province, media, monkeypatch):
    def broken_record(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken_record)

    with pytest.raises(RuntimeError):
        make_document(specialist, province.department)

    assert stored_files(media) == []
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()


def test_failed_new_version_keeps_files_of_earlier_versions(specialist, document, media, monkeypatch):
    before = stored_files(media)
    monkeypatch.setattr(audit, "record", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("down")))

    with pytest.raises(RuntimeError):
        services.add_version(document, file=upload("v2.pdf", pdf_bytes("v2")), uploaded_by=specialist)
    with pytest.raises(RuntimeError):  # equal content: the existing file is reused, never deleted
        services.add_version(
            document,
            file=upload("again.pdf", document.current_version.file.open("rb").read()),
            uploaded_by=specialist,
        )

    assert stored_files(media) == before
    assert DocumentVersion.objects.count() == 1


def test_derived_version_points_at_its_source_and_becomes_current(specialist, document):
    source = document.current_version

    derived = services.add_derived_version(
        source,
        content=pdf_bytes("Ban so hoa"),
        filename="quyet-dinh-ocr.pdf",
        origin=DocumentVersion.Origin.OCR,
        created_by=None,
        text="Bản số hóa có chữ",
        is_pdfa=True,
    )

    document.refresh_from_db()
    assert document.current_version == derived
    assert (derived.number, derived.derived_from, derived.origin, derived.is_pdfa) == (2, source, "ocr", True)
    assert derived.text == "Bản số hóa có chữ"
    assert derived.search_text == "ban so hoa co chu"
    entry = audit.entries_for(document).get(action="document.version_added")
    assert entry.actor_id is None
    assert entry.after["derived_from"] == 1


def test_derived_version_is_checked_like_an_upload(document):
    with pytest.raises(ValidationError) as caught:
        services.add_derived_version(
            document.current_version,
            content=pdf_bytes()[:-50],
            filename="x.pdf",
            origin=DocumentVersion.Origin.SIGNED,
            created_by=None,
        )

    assert caught.value.code == "malformed_pdf"
    assert DocumentVersion.objects.count() == 1


def test_signed_pdf_is_recognised(specialist, province):
    pdf = pikepdf.open(io.BytesIO(pdf_bytes("Da ky")))
    signature = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Sig, ByteRange=[0, 10, 20, 30], Contents=b"\x00" * 8)
    )
    field = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Sig, T="Chu ky", V=signature))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field], SigFlags=3)
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)

    document = make_document(specialist, province.department, content=buffer.getvalue())

    assert document.current_version.has_signatures is True


def test_upload_origins_only(specialist, province):
    with pytest.raises(ValueError, match="derived"):
        services.create_document(
            title="x",
            unit=province.department,
            file=upload("a.pdf", pdf_bytes()),
            uploaded_by=specialist,
            origin=DocumentVersion.Origin.OCR,
        )
