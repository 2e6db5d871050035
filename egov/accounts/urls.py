from django.contrib.auth import views as auth_views
from django.urls import path

from egov.accounts import citizen_views, views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login, name="login"),
    path("dang-nhap/ma-xac-thuc/", views.login_verify, name="login_verify"),
    path("dang-nhap/cai-dat-xac-thuc/", views.login_enrol, name="login_enrol"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("bao-mat/", views.security, name="security"),
    path("bao-mat/tat-xac-thuc/", views.security_disable, name="security_disable"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("dang-ky/", citizen_views.citizen_register, name="citizen_register"),
    path("dang-ky/xac-nhan/", citizen_views.citizen_register_confirm, name="citizen_register_confirm"),
    path("dang-ky/gui-lai-ma/", citizen_views.citizen_register_resend, name="citizen_register_resend"),
    path("vneid/", citizen_views.citizen_vneid_start, name="citizen_vneid"),
    path("vneid/callback/", citizen_views.citizen_vneid_callback, name="citizen_vneid_callback"),
    path("cua-toi/", citizen_views.citizen_profile, name="citizen_profile"),
    path(
        "to-chuc/dang-ky/", citizen_views.citizen_organisation_register, name="citizen_organisation_register"
    ),
    path("to-chuc/<int:pk>/uy-quyen/", citizen_views.citizen_authorise, name="citizen_authorise"),
    path(
        "uy-quyen/<int:pk>/cham-dut/",
        citizen_views.citizen_authorisation_revoke,
        name="citizen_authorisation_revoke",
    ),
]
