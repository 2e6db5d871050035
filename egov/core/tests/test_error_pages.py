"""403, 404 and 500 pages: styled, Vietnamese (English when chosen), with a way back (issue 11 item 8)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory


@pytest.mark.django_db
def test_a_missing_page_is_styled_vietnamese_with_a_way_back(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert 'class="site-header"' in response.text  # the site's layout, not Django's bare page
    assert 'href="/"' in response.text
    assert "Not Found" not in response.text


@pytest.mark.django_db
def test_the_404_page_speaks_english_when_chosen(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Back to the home page" in response.text


@pytest.mark.django_db
def test_a_refused_page_is_styled(client, citizen):
    client.force_login(citizen)
    response = client.get("/can-bo/ho-so/")  # staff pages refuse citizens

    assert response.status_code in {403, 404}
    assert 'class="site-header"' in response.text
    assert "Về trang chủ" in response.text


def test_the_500_page_needs_neither_a_request_nor_the_database():
    html = render_to_string("500.html")

    assert "Hệ thống đang gặp sự cố" in html
    assert "Something went wrong" in html
    assert 'href="/"' in html


@pytest.mark.django_db
def test_the_403_handler_uses_the_styled_page(rf: RequestFactory, citizen):
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = citizen
    response = permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()
