"""Use case: only officers of the owning unit (or above it) see a document; others get 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from egov.documents.models import DigitisationJob, DocumentVersion
from egov.documents.permissions import can_add_document, documents_visible_to
from egov.documents.tests.files import pdf_bytes
from egov.documents.tests.helpers import make_document, upload


def urls(document):
    version = document.current_version
    return [
        ("get", reverse("documents:detail", args=[document.pk])),
        ("get", reverse("documents:download", args=[version.pk])),
        ("get", reverse("documents:preview", args=[version.pk])),
        ("get", reverse("documents:digitisation_status", args=[document.pk])),
        ("post", reverse("documents:add_version", args=[document.pk])),
        ("post", reverse("documents:digitise", args=[version.pk])),
        ("get", f"/api/v1/documents/{document.pk}"),
        ("get", f"/api/v1/documents/{document.pk}/versions/1/content"),
        ("post", f"/api/v1/documents/{document.pk}/versions"),
    ]


@pytest.mark.parametrize("who", ["outsider", "citizen", "desk_officer"])
def test_others_get_404_everywhere(client, request, document, who):
    client.force_login(request.getfixturevalue(who))

    for method, url in urls(document):
        data = {"file": upload("v2.pdf", pdf_bytes("v2"))} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    assert DocumentVersion.objects.count() == 1
    assert not DigitisationJob.objects.exists()


def test_missing_document_is_404_like_a_forbidden_one(client, specialist, document):
    client.force_login(specialist)

    assert client.get(reverse("documents:detail", args=[document.pk + 100])).status_code == 404
    assert client.get(reverse("documents:download", args=[999])).status_code == 404


@pytest.mark.parametrize("who", ["specialist", "leader", "clerk", "admin_user"])
def test_officers_of_the_unit_and_above_see_it(client, request, document, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert response.status_code == 200
    assert response.context["document"] == document


def test_role_in_a_unit_covers_its_subtree(specialist, leader, desk_officer, province):
    in_division = make_document(specialist, province.division, "Báo cáo của phòng")

    assert in_division in documents_visible_to(leader)  # leader of Sở Tư pháp, above the division
    assert in_division not in documents_visible_to(desk_officer)
    assert can_add_document(leader, province.division)
    assert not can_add_document(desk_officer, province.division)


def test_anonymous_and_citizens_see_none(citizen, document):
    assert not documents_visible_to(AnonymousUser()).exists()
    assert not documents_visible_to(citizen).exists()


def test_list_shows_only_visible_documents(
    client, specialist, desk_officer, province, django_assert_max_num_queries
):
    for number in range(30):
        make_document(
            specialist, province.department, f"Sở tài liệu {number}", content=pdf_bytes(f"s{number}")
        )
    mine = make_document(desk_officer, province.commune, "Biên nhận của xã")
    client.force_login(desk_officer)

    with django_assert_max_num_queries(11):  # with the dossiers' papers (2) and the menu's roles (1)
        response = client.get(reverse("documents:list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert "Sở tài liệu" not in response.text


def test_list_is_paginated_with_bounded_queries(client, specialist, province, django_assert_max_num_queries):
    for number in range(30):
        make_document(specialist, province.department, f"Tài liệu {number}", content=pdf_bytes(f"d{number}"))
    client.force_login(specialist)

    with django_assert_max_num_queries(11):  # with the dossiers' papers (2) and the menu's roles (1)
        first = client.get(reverse("documents:list"))
    second = client.get(reverse("documents:list"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].object_list[0].title == "Tài liệu 29"
    assert len(second.context["page"].object_list) == 5
    assert 'rel="next"' in first.text
