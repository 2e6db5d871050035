"""Public PKI endpoints (CRL, OCSP, time stamps, CA certificates), outside the staff area."""

from django.urls import path

from egov.signatures import views

app_name = "pki"
urlpatterns = [
    path("crl/<str:which>.crl", views.crl, name="crl"),
    path("ca/<str:which>.crt", views.ca_certificate, name="ca"),
    path("ocsp/", views.ocsp, name="ocsp"),
    path("tsa/", views.tsa, name="tsa"),
]
