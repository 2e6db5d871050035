"""Use case: officers find documents by title or text, with or without Vietnamese accents."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.core import pagination
from egov.documents import services, views
from egov.documents.tests.files import pdf_bytes
from egov.documents.tests.helpers import make_document


def titles(response):
    return [document.title for document in response.context["page"].object_list]


def test_search_by_title_ignores_accents(client, specialist, province):
    make_document(specialist, province.department, "Quyết định đình chỉ", content=pdf_bytes("a"))
    make_document(specialist, province.department, "Tờ trình", content=pdf_bytes("b"))
    client.force_login(specialist)

    assert titles(client.get(reverse("documents:list"), {"q": "quyet dinh DINH chi"})) == [
        "Quyết định đình chỉ"
    ]
    assert titles(client.get(reverse("documents:list"), {"q": "Đình"})) == ["Quyết định đình chỉ"]


def test_search_matches_the_text_of_the_current_version(client, specialist, province):
    make_document(
        specialist, province.department, "Công văn 1", content=pdf_bytes("Ve viec cap phep xay dung")
    )
    make_document(specialist, province.department, "Công văn 2", content=pdf_bytes("Ve viec khac"))
    client.force_login(specialist)

    response = client.get(reverse("documents:list"), {"q": "xây dựng công văn"})

    assert titles(response) == ["Công văn 1"]


def test_search_does_not_reach_other_units(client, specialist, outsider, province):
    make_document(specialist, province.department, "Bí mật của Sở", content=pdf_bytes("c"))
    client.force_login(outsider)

    response = client.get(reverse("documents:list"), {"q": "bi mat"}, HTTP_ACCEPT_LANGUAGE="en")

    assert titles(response) == []
    assert "No document matches your search." in response.text


def test_search_follows_the_current_version_after_a_new_one(client, specialist, province):
    document = make_document(
        specialist, province.department, "Công văn 3", content=pdf_bytes("Ke hoach tiem chung")
    )
    services.add_version(
        document,
        file=SimpleUploadedFile("v2.pdf", pdf_bytes("Ke hoach phong chong thien tai"), "application/pdf"),
        uploaded_by=specialist,
    )
    client.force_login(specialist)

    # The words of the new version are found, those only in the replaced one are not.
    assert titles(client.get(reverse("documents:list"), {"q": "thiên tai"})) == ["Công văn 3"]
    assert titles(client.get(reverse("documents:list"), {"q": "tiem chung"})) == []
    assert client.get("/api/v1/documents", {"q": "thien tai"}).json()["count"] == 1


def test_counts_stop_at_the_cap_and_say_there_are_more(client, specialist, province, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for number in range(3):
        make_document(specialist, province.department, f"Báo cáo {number}", content=pdf_bytes("x"))
    client.force_login(specialist)

    listed = client.get("/api/v1/documents", {"q": "bao cao", "limit": 1}).json()
    assert (listed["count"], listed["more"], len(listed["items"])) == (2, True, 1)
    exact = client.get("/api/v1/documents", {"q": "bao cao 1"}).json()
    assert (exact["count"], exact["more"]) == (1, False)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    page = client.get(reverse("documents:list"), {"q": "bao cao"})
    assert "nhiều hơn 2 văn bản" in page.content.decode()


def test_lists_read_the_same_queries_whatever_the_page_size(
    client, specialist, province, django_assert_max_num_queries
):
    for number in range(6):
        make_document(specialist, province.department, f"Tờ trình {number}", content=pdf_bytes("y"))
    client.force_login(specialist)

    # Session, user, the reader's units (2), the units and consultations of the dossiers they may
    # see (2, for the dossiers' papers), the capped count and the page (no query per row).
    for limit in (1, 6):
        with django_assert_max_num_queries(8):
            assert (
                len(client.get("/api/v1/documents", {"q": "to trinh", "limit": limit}).json()["items"])
                == limit
            )
    for page in (1, 2):  # the page also reads the menu's roles (1)
        with django_assert_max_num_queries(11):
            assert client.get(reverse("documents:list"), {"q": "to trinh", "page": page}).status_code == 200
