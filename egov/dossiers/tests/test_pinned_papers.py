"""Use case: what a dossier holds is pinned (issue 11, item 12).

A paper is the version it was submitted with. A later version of its document, whoever uploads
it, changes nothing the officer's page, the citizen's page or the API show or serve; it is on the
timeline. Only those who handle the dossier may add versions to its papers (others: 404 if they
cannot see the document, 403 if they see it but do not handle the dossier), and only they may make
the dossier hold another version, explicitly and on the record.
"""

import hashlib

import pytest
from django.urls import reverse

from egov.documents import services as document_services
from egov.documents.models import DocumentVersion
from egov.documents.tests.files import pdf_bytes
from egov.documents.tests.helpers import upload
from egov.dossiers.models import Consultation, DossierEvent
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.dossiers.tests.online_factories import citizen as make_citizen
from egov.dossiers.tests.online_factories import online_procedure, submitted
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

JSON = "application/json"


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def add_version_over_api(client, document, content=None):
    content = content or pdf_bytes("Giay to khac sau khi nop")
    return client.post(
        f"/api/v1/documents/{document.pk}/versions", {"file": upload("khac.pdf", content, "application/pdf")}
    )


@pytest.fixture
def desk_dossier(province, desk_officer):
    dossier = receive(commune_procedure(days="2"), province.commune, desk_officer)
    paper = dossier.components.exclude(document=None).order_by("position").first()
    return dossier, paper


@pytest.fixture
def online_dossier(province):
    owner = make_citizen()
    dossier = submitted(online_procedure(), owner, province.commune)
    paper = dossier.components.exclude(document=None).get()
    return owner, dossier, paper


def test_a_version_uploaded_after_receipt_changes_nothing_the_officer_sees(
    client, desk_dossier, desk_officer
):
    dossier, paper = desk_dossier
    v1 = paper.document.current_version
    assert paper.document_version == v1
    client.force_login(desk_officer)

    added = add_version_over_api(client, paper.document)

    assert added.status_code == 201, added.content
    assert added.json()["number"] == 2
    paper.document.refresh_from_db()
    assert paper.document.current_version.number == 2  # the document moved on ...
    api = client.get(f"/api/v1/dossiers/{dossier.code}").json()
    held = next(c for c in api["components"] if c["position"] == paper.position)
    assert (held["version"], held["sha256"]) == (1, v1.sha256)  # ... the dossier did not
    content = client.get(f"/api/v1/dossiers/{dossier.code}/papers/{paper.position}/content")
    assert content.status_code == 200
    assert sha(body(content)) == v1.sha256
    served = client.get(reverse("dossiers:file", args=[dossier.code, paper.document_id]))
    assert sha(body(served)) == v1.sha256
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    assert v1.sha256[:12] in page.content.decode()
    event = DossierEvent.objects.get(dossier=dossier, kind="paper_new_version")
    assert event.actor == desk_officer
    assert event.data["version"] == 2
    assert event.data["held_version"] == 1
    assert event.data["sha256"] == paper.document.current_version.sha256
    timeline = [e.label for e in page.context["events"]]
    assert f"Giấy tờ “{paper.name}” có phiên bản mới (2), chưa được hồ sơ sử dụng" in timeline


def test_the_citizen_cannot_replace_a_submitted_paper_and_keeps_seeing_what_they_sent(
    client, province, online_dossier
):
    owner, dossier, paper = online_dossier
    v1 = paper.document_version
    client.force_login(owner)

    refused = add_version_over_api(client, paper.document)
    refused_page = client.post(
        reverse("documents:add_version", args=[paper.document_id]),
        {"file": upload("khac.pdf", pdf_bytes("Ban khac"), "application/pdf")},
    )
    refused_ocr = client.post(reverse("documents:digitise", args=[v1.pk]))

    assert refused.status_code == 403
    assert "bổ sung" in refused.json()["message"]  # only through a supplement request
    assert refused_page.status_code == 403
    assert refused_ocr.status_code == 403
    assert paper.document.versions.count() == 1

    # The desk that handles the dossier uploads a clearer scan: the citizen still has their own.
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.xa")
    client.force_login(desk)
    assert add_version_over_api(client, paper.document).status_code == 201
    client.force_login(owner)
    served = client.get(reverse("portal:citizen_file", args=[dossier.code, paper.document_id]))
    assert served.status_code == 200
    assert sha(body(served)) == v1.sha256
    stored = client.get(reverse("portal:store_file", args=[paper.document_id]))
    assert sha(body(stored)) == v1.sha256  # the data store keeps what I submitted, too
    page = client.get(reverse("portal:citizen_dossier", args=[dossier.code]))
    assert f"Giấy tờ “{paper.name}” có phiên bản mới (2), chưa được hồ sơ sử dụng" in page.content.decode()
    english = client.get(reverse("portal:citizen_dossier", args=[dossier.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        f"The paper “{paper.name}” has a new version (2), not used by the dossier" in english.content.decode()
    )


@pytest.mark.parametrize("who", ["other unit's officer", "other citizen"])
def test_who_does_not_handle_the_dossier_gets_404_when_adding_a_version(
    client, province, online_dossier, who
):
    _, dossier, paper = online_dossier
    if who == "other citizen":
        intruder = make_citizen("congdan.khac", national_id="019090009999")
    else:
        intruder = make_member(Role.DESK_OFFICER, province.other_commune, "motcua.khac")
    client.force_login(intruder)

    api = add_version_over_api(client, paper.document)
    page = client.post(
        reverse("documents:add_version", args=[paper.document_id]),
        {"file": upload("khac.pdf", pdf_bytes("Ban khac"), "application/pdf")},
    )
    pin = client.post(
        f"/api/v1/dossiers/{dossier.code}/papers/{paper.position}/pin", {"version": 1}, content_type=JSON
    )

    assert (api.status_code, page.status_code, pin.status_code) == (404, 404, 404)
    assert paper.document.versions.count() == 1
    assert not DossierEvent.objects.filter(dossier=dossier, kind__startswith="paper_").exists()


def test_an_officer_who_sees_but_does_not_handle_the_dossier_may_not_add_a_version(
    client, province, desk_dossier, desk_officer
):
    """A unit consulted on the dossier sees it, but handling it is the commune's."""
    dossier, paper = desk_dossier
    consulted = make_member(Role.SPECIALIST, province.other_commune, "tuphap.khac")
    Consultation.objects.create(
        dossier=dossier,
        unit=province.other_commune,
        mode=Consultation.Mode.PARALLEL,
        content="Cho ý kiến",
        requested_by=desk_officer,
    )
    client.force_login(consulted)
    assert client.get(f"/api/v1/dossiers/{dossier.code}").status_code == 200

    refused = add_version_over_api(client, paper.document)

    assert refused.status_code == 403
    assert paper.document.versions.count() == 1


def test_an_officer_handling_the_dossier_may_hold_the_new_version_explicitly(
    client, desk_dossier, desk_officer
):
    dossier, paper = desk_dossier
    client.force_login(desk_officer)
    add_version_over_api(client, paper.document)
    v2 = paper.document.versions.get(number=2)
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    shown = next(c for c in page.context["components"] if c.pk == paper.pk)
    assert shown.newer == v2
    assert shown.repin_form is not None
    last_event = dossier.events.order_by("-pk").first().pk

    response = client.post(
        reverse("dossiers:act", args=[dossier.code, "repin"]),
        {
            "expected_status": dossier.status,
            "expected_event": last_event,
            "component": paper.pk,
            "version": 2,
        },
    )

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.document_version == v2
    event = DossierEvent.objects.get(dossier=dossier, kind="paper_repinned")
    assert (event.actor, event.data["version"], event.data["from_version"]) == (desk_officer, 2, 1)
    served = client.get(reverse("dossiers:file", args=[dossier.code, paper.document_id]))
    assert sha(body(served)) == v2.sha256
    api = client.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert next(c for c in api["components"] if c["position"] == paper.position)["version"] == 2


def test_the_applicant_may_not_make_the_dossier_hold_another_version(client, province, online_dossier):
    owner, dossier, paper = online_dossier
    client.force_login(make_member(Role.DESK_OFFICER, province.commune, "motcua.xa"))
    add_version_over_api(client, paper.document)
    client.force_login(owner)
    revision = client.get(f"/api/v1/dossiers/{dossier.code}").json()["revision"]

    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/papers/{paper.position}/pin",
        {"version": 2, "expected_revision": revision},
        content_type=JSON,
    )

    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.document_version.number == 1


def test_the_searchable_copy_of_the_held_version_is_offered_as_its_digitised_form(
    client, desk_dossier, desk_officer
):
    """OCR of the held scan (same pages, TT 01/2023 Điều 8) is its digitised form, not a new paper."""
    dossier, paper = desk_dossier
    v1 = paper.document_version
    ocr = document_services.add_derived_version(
        v1,
        content=pdf_bytes("Ban sao tim kiem duoc"),
        filename="giay-to-ocr.pdf",
        origin=DocumentVersion.Origin.OCR,
        created_by=desk_officer,
        text="Bản sao tìm kiếm được",
    )
    client.force_login(desk_officer)

    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    copy = client.get(reverse("dossiers:file_version", args=[dossier.code, paper.document_id, ocr.number]))
    held = client.get(reverse("dossiers:file", args=[dossier.code, paper.document_id]))
    api = client.get(f"/api/v1/dossiers/{dossier.code}").json()

    shown = next(c for c in page.context["components"] if c.pk == paper.pk)
    assert shown.digitised == ocr
    assert shown.newer is None
    assert sha(body(copy)) == ocr.sha256
    assert sha(body(held)) == v1.sha256
    item = next(c for c in api["components"] if c["position"] == paper.position)
    assert (item["version"], item["digitised_version"]) == (1, ocr.number)
    assert DossierEvent.objects.filter(dossier=dossier, kind="paper_digitised").count() == 1
    # A later upload is not a digitised form: it cannot be read through the dossier.
    add_version_over_api(client, paper.document)
    later = paper.document.versions.get(number=ocr.number + 1)
    refused = client.get(
        reverse("dossiers:file_version", args=[dossier.code, paper.document_id, later.number])
    )
    assert refused.status_code == 404


def test_existing_papers_are_pinned_to_the_version_they_were_submitted_with(province, desk_officer):
    """dossiers 0013: a version added after the dossier was received is not what it holds."""
    import datetime as dt
    import importlib

    import time_machine
    from django.apps import apps

    from egov.dossiers.models import DossierComponent

    migration = importlib.import_module("egov.dossiers.migrations.0013_pin_component_versions")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        dossier = receive(commune_procedure(days="2"), province.commune, desk_officer)
    paper = dossier.components.exclude(document=None).order_by("position").first()
    assert paper is not None
    assert paper.document is not None
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        document_services.add_version(
            paper.document,
            file=upload("khac.pdf", pdf_bytes("Ban khac"), "application/pdf"),
            uploaded_by=desk_officer,
        )
    # As the dossier showed it before the migration: the document's current version.
    DossierComponent.objects.filter(pk=paper.pk).update(
        document_version=paper.document.versions.get(number=2)
    )

    migration.forwards(apps, None)

    paper.refresh_from_db()
    assert paper.document_version.number == 1
    assert paper.document.current_version.number == 2
