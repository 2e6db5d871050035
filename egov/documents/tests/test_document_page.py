"""Use case: the document page shows preview, text, OCR status and links, and asks for OCR."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from egov.documents import services, views
from egov.documents.models import DigitisationJob
from egov.documents.tests.files import docx_bytes
from egov.documents.tests.helpers import upload


def test_page_shows_preview_text_and_versions(client, specialist, document):
    client.force_login(specialist)

    response = client.get(reverse("documents:detail", args=[document.pk]), HTTP_ACCEPT_LANGUAGE="en")

    version = document.current_version
    assert reverse("documents:preview", args=[version.pk]) in response.text
    assert "<details" in response.text
    assert "Quyet dinh bo nhiem can bo" in response.text
    assert version.sha256[:12] in response.text
    assert reverse("documents:digitise", args=[version.pk]) in response.text
    assert "/media/" not in response.text


def test_signatures_link_appears_only_when_that_screen_exists(client, specialist, document):
    client.force_login(specialist)

    response = client.get(reverse("documents:detail", args=[document.pk]), HTTP_ACCEPT_LANGUAGE="en")

    try:
        url = reverse("signatures:document", args=[document.pk])
    except NoReverseMatch:
        assert "Digital signatures" not in response.text
    else:
        assert url in response.text


def test_office_attachment_has_no_ocr_button(client, specialist, province):
    document = services.create_document(
        title="Tờ trình",
        unit=province.department,
        file=upload("to-trinh.docx", docx_bytes()),
        uploaded_by=specialist,
    )
    client.force_login(specialist)

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert response.status_code == 200
    assert response.context["digitisable"] is False


@pytest.fixture
def requested(monkeypatch):
    """Replace the worker's entry point: these tests are about the page, not OCR."""
    calls = []

    def fake_request(version, *, requested_by):
        calls.append((version, requested_by))
        return DigitisationJob.objects.create(source=version, requested_by=requested_by)

    monkeypatch.setattr(views, "request_digitisation", fake_request)
    return calls


def test_ocr_button_requests_digitisation_of_the_version(client, specialist, document, requested):
    client.force_login(specialist)
    version = document.current_version

    response = client.post(reverse("documents:digitise", args=[version.pk]))

    assert response.status_code == 302
    assert requested == [(version, specialist)]


def test_refused_request_is_shown_as_a_message(client, specialist, document, monkeypatch):
    def refuse(version, *, requested_by):
        raise ValidationError("This version is already searchable.", code="already_searchable")

    monkeypatch.setattr(views, "request_digitisation", refuse)
    client.force_login(specialist)

    response = client.post(reverse("documents:digitise", args=[document.current_version.pk]), follow=True)

    assert "This version is already searchable." in response.text


def test_running_job_polls_and_finished_job_reloads_the_page(client, specialist, document):
    job = DigitisationJob.objects.create(
        source=document.current_version, status=DigitisationJob.Status.RUNNING, progress=40
    )
    client.force_login(specialist)
    status_url = reverse("documents:digitisation_status", args=[document.pk])

    page = client.get(reverse("documents:detail", args=[document.pk]))
    assert 'hx-trigger="every 2s"' in page.text
    assert 'http-equiv="refresh"' in page.text
    assert 'value="40"' in page.text
    assert reverse("documents:digitise", args=[document.current_version.pk]) not in page.text

    polled = client.get(status_url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    assert 'data-status="running"' in polled.text

    job.status = DigitisationJob.Status.DONE
    job.save()
    finished = client.get(status_url, HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"
    page = client.get(reverse("documents:detail", args=[document.pk]))
    assert "every 2s" not in page.text
    assert 'data-status="done"' in page.text
