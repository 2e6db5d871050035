"""Use case: an officer downloads a version; the content is exact and the reading is audited."""

from django.urls import reverse

from egov.core.models import AuditEntry
from egov.documents import services
from egov.documents.tests.files import docx_bytes
from egov.documents.tests.helpers import make_document, upload


def test_download_returns_the_upload_and_is_audited(client, leader, document):
    client.force_login(leader)
    version = document.current_version

    response = client.get(reverse("documents:download", args=[version.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == version.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="quyet-dinh.pdf"'
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="document.downloaded")
    assert (entry.actor_id, entry.object_id, entry.after["version"]) == (leader.pk, str(document.pk), 1)


def test_download_keeps_a_vietnamese_file_name_and_type(client, specialist, province):
    content = docx_bytes()
    document = services.create_document(
        title="Tờ trình",
        unit=province.department,
        file=upload("Tờ trình số 5.docx", content),
        uploaded_by=specialist,
    )
    client.force_login(specialist)

    response = client.get(reverse("documents:download", args=[document.current_version.pk]))

    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "filename*=utf-8''T%E1%BB%9D%20tr%C3%ACnh%20s%E1%BB%91%205.docx" in response["Content-Disposition"]


def test_preview_is_served_through_the_access_check(client, specialist, document):
    client.force_login(specialist)

    response = client.get(reverse("documents:preview", args=[document.current_version.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_attachment_without_preview_gives_404(client, specialist, province):
    document = make_document(specialist, province.department, content=None)
    version = services.add_version(document, file=upload("b.docx", docx_bytes()), uploaded_by=specialist)
    client.force_login(specialist)

    assert client.get(reverse("documents:preview", args=[version.pk])).status_code == 404
