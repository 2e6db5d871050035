"""Use case: documents are seen by purpose, not by any role: the whole role × unit matrix.

Three documents of Xã Đồng Hỷ: a document of the unit itself, the ID paper a citizen submitted
online with a dossier (now waiting at the commune's desk), and a paper the same citizen has
uploaded to a draft not yet submitted. Every role of the demo province, held in the commune, in
the province above it or in another commune, and the citizen and another citizen, list documents
and open each one: they get exactly what the rule gives them, and 404 for the rest.
"""

import pytest
from django.urls import reverse

from egov.documents.tests.helpers import make_document
from egov.dossiers.tests.online_factories import citizen as make_citizen
from egov.dossiers.tests.online_factories import filled_draft, online_procedure, submitted
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

# Roles that handle dossiers (egov.dossiers.permissions.STAFF_ROLES, with administrators).
HANDLERS = {
    Role.DESK_OFFICER,
    Role.SPECIALIST,
    Role.HEAD_OF_DEPARTMENT,
    Role.LEADER,
    Role.CLERK,
    Role.ADMINISTRATOR,
}
PLACES = {"same unit": "commune", "unit above": "province", "other unit": "other_commune"}
CASES = [(role, place) for role in Role for place in PLACES] + [
    ("citizen", "owner"),
    ("citizen", "other citizen"),
]


def expected(role, place):
    """What the rule gives: the unit's document in the unit and above, a dossier's paper to those
    who may see the dossier, a citizen's documents to that citizen."""
    if role == "citizen":
        return {"paper", "draft upload"} if place == "owner" else set()
    if place == "other unit":
        return set()
    return {"office", "paper"} if role in HANDLERS else {"office"}


@pytest.fixture
def documents(province):
    version = online_procedure()
    owner = make_citizen()
    uploader = make_member(Role.CLERK, province.commune, "vanthu.xa")
    office = make_document(uploader, province.commune, "Kế hoạch công tác năm của xã")
    dossier = submitted(version, owner, province.commune)
    paper = dossier.components.exclude(document=None).get().document
    draft_upload = filled_draft(version, owner, province.commune).attachments.get().document
    return owner, {"office": office, "paper": paper, "draft upload": draft_upload}


@pytest.mark.parametrize(("role", "place"), CASES, ids=[f"{r}-{p}" for r, p in CASES])
def test_each_role_sees_documents_by_purpose(client, province, documents, role, place):
    owner, by_name = documents
    if role == "citizen":
        user = owner if place == "owner" else make_citizen("congdan.khac", national_id="019090009999")
    else:
        user = make_member(role, getattr(province, PLACES[place]), f"{role}.{place.replace(' ', '')}")
    client.force_login(user)
    want = expected(role, place)

    listed = client.get("/api/v1/documents", {"limit": 100})
    page = client.get(reverse("documents:list"))

    assert listed.status_code == 200
    ids = {item["id"] for item in listed.json()["items"]}
    assert ids == {by_name[name].pk for name in want}
    assert {d.pk for d in page.context["page"].object_list} == ids
    for name, document in by_name.items():
        status = 200 if name in want else 404
        version = document.current_version
        assert client.get(f"/api/v1/documents/{document.pk}").status_code == status, name
        assert client.get(f"/api/v1/documents/{document.pk}/versions/1/content").status_code == status, name
        assert client.get(reverse("documents:detail", args=[document.pk])).status_code == status, name
        assert client.get(reverse("documents:download", args=[version.pk])).status_code == status, name
