"""Signing three documents with one PIN entry, with progress on the job."""

import lxml.html  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.documents.services import create_document
from egov.documents.tests.files import pdf_bytes
from egov.signatures import services, signing
from egov.signatures.models import BatchSigningJob, SignatureValidation
from egov.signatures.tests.conftest import PIN


def _documents(leader, unit, n=3):
    return [
        create_document(
            title=f"Văn bản {i}",
            unit=unit,
            file=SimpleUploadedFile(f"vb-{i}.pdf", pdf_bytes(f"Van ban {i}"), content_type="application/pdf"),
            uploaded_by=leader,
        )
        for i in range(n)
    ]


def test_three_documents_one_pin(leader, province, leader_cert, monkeypatch):
    documents = _documents(leader, province.department)
    unlocks = []
    real_open = signing.open_signer

    def counting_open(source):
        unlocks.append(source)
        return real_open(source)

    monkeypatch.setattr(signing, "open_signer", counting_open)
    progress: list[services.Progress] = []
    job = services.sign_batch(
        [d.current_version for d in documents],
        certificate=leader_cert,
        pin=PIN,
        level="B-T",
        signed_by=leader,
        progress=progress.append,
    )
    # One PIN entry, one unlock of the PKCS#12 key for all three (the open signer passes through).
    assert len([s for s in unlocks if isinstance(s, signing.Pkcs12Source)]) == 1
    assert [(p.done, p.total) for p in progress] == [(1, 3), (2, 3), (3, 3)]
    assert (job.status, job.done, job.failed, job.total) == ("done", 3, 0, 3)
    for document in documents:
        document.refresh_from_db()
        assert document.current_version.has_signatures
        assert SignatureValidation.objects.get(version=document.current_version).status == "valid"


def test_batch_page(leader, province, leader_cert, settings):
    settings.EGOV_SIGNATURES_BATCH_IN_BACKGROUND = False
    documents = _documents(leader, province.department, n=2)
    client = Client(headers={"accept-language": "en"})
    client.force_login(leader)
    page = client.get("/can-bo/ky-so/ky-hang-loat/").content.decode()
    assert all(d.title in page for d in documents)
    response = client.post(
        "/can-bo/ky-so/ky-hang-loat/",
        {
            "batch-versions": [d.current_version_id for d in documents],
            "batch-certificate": leader_cert.pk,
            "batch-level": "B-B",
            "batch-pin": PIN,
        },
    )
    assert response.status_code == 302
    job = BatchSigningJob.objects.get()
    assert (job.status, job.done) == ("done", 2)
    status = client.get(response["Location"]).content.decode()
    assert "2 of 2 signed" in status
    assert 'http-equiv="refresh"' not in status
    # Signed documents no longer await the leader's signature.
    assert "Văn bản 0" not in client.get("/can-bo/ky-so/ky-hang-loat/").content.decode()


def test_batch_with_a_wrong_pin_signs_nothing(leader, province, leader_cert):
    documents = _documents(leader, province.department, n=2)
    job = services.start_batch(
        [d.current_version for d in documents], certificate=leader_cert, level="B-B", requested_by=leader
    )
    with pytest.raises(signing.WrongPinError):
        services.run_batch(job, pin="000000")
    job.refresh_from_db()
    assert (job.status, job.done) == ("failed", 0)
    assert all(d.versions.count() == 1 for d in documents)


def test_the_batch_page_s_documents_are_a_group_named_by_its_legend(leader, province, leader_cert):
    """The shared field template (templates/components/field.html): what to sign first, then how."""
    _documents(leader, province.department, n=2)
    client = Client(headers={"accept-language": "en"})
    client.force_login(leader)
    page = lxml.html.fromstring(client.get("/can-bo/ky-so/ky-hang-loat/").content.decode())
    (group,) = page.xpath("//fieldset[@class='field'][.//input[@name='batch-versions']]")
    assert group.find("legend").text_content().split("*")[0].strip() == "Documents awaiting your signature"
    assert len(group.xpath(".//label[@class='choice']/input[@type='checkbox']")) == 2
    (form,) = page.xpath("//form[.//input[@name='batch-pin']]")
    names = form.xpath(".//*[self::input or self::select][@name!='csrfmiddlewaretoken']/@name")
    assert list(dict.fromkeys(names)) == ["batch-versions", "batch-certificate", "batch-level", "batch-pin"]
