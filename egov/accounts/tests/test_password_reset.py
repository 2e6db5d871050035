import re

from django.core import mail
from django.urls import reverse

from egov.accounts.models import User
from egov.accounts.tests.helpers import actions, failures, logged_in_id, post_login

NEW_PASSWORD = "Ngay-moi-tuoi-sang-2026"


def _request_reset(client, email: str):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def _link_path(message) -> str:
    match = re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/dat-lai-mat-khau/\S+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_reset_sends_an_email_with_a_working_link(client, desk_officer):
    User.objects.filter(pk=desk_officer.pk).update(email="motcua@donghy.example", full_name="Lê Thị Hoa")

    response = _request_reset(client, "motcua@donghy.example")

    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["motcua@donghy.example"]
    assert message.subject == "[Tỉnh Thái Nguyên] Reset your password"
    assert message.body.startswith("Hello Lê Thị Hoa,\n")
    # The link lands on the form for the new password (Django swaps the token into the session).
    form_page = client.get(_link_path(message), follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.url == reverse("accounts:password_reset_complete")
    assert actions(desk_officer)[-1] == ("auth.password_reset", None)
    assert post_login(client, "motcua").status_code == 200  # the old password no longer works
    assert post_login(client, "motcua", NEW_PASSWORD).url == reverse("dashboard:home")


def test_the_link_works_only_once(client, desk_officer):
    User.objects.filter(pk=desk_officer.pk).update(email="motcua@donghy.example")
    _request_reset(client, "motcua@donghy.example")
    path = _link_path(mail.outbox[0])
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(path, follow=True)

    assert response.context["validlink"] is False


def test_reset_clears_the_lockout(client, desk_officer, clock):
    User.objects.filter(pk=desk_officer.pk).update(email="motcua@donghy.example")
    for _ in range(5):
        post_login(client, "motcua", "sai-mat-khau")
    assert post_login(client, "motcua").status_code == 429
    _request_reset(client, "motcua@donghy.example")
    set_url = client.get(_link_path(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert failures("motcua") == 0
    assert post_login(client, "motcua", NEW_PASSWORD).status_code == 302


def test_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = _request_reset(client, "ai-do@khong.example")

    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_pages_render(client, db):
    form = client.get(reverse("accounts:password_reset"))
    done = client.get(reverse("accounts:password_reset_done"))
    complete = client.get(reverse("accounts:password_reset_complete"))

    assert 'autocomplete="email"' in form.content.decode()
    assert (form.status_code, done.status_code, complete.status_code) == (200, 200, 200)


def test_reset_form_refuses_a_weak_password(client, desk_officer):
    User.objects.filter(pk=desk_officer.pk).update(email="motcua@donghy.example")
    _request_reset(client, "motcua@donghy.example")
    set_url = client.get(_link_path(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert logged_in_id(client) is None
    assert post_login(client, "motcua").status_code == 302  # the old password still works
