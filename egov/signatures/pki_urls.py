"""Public PKI endpoints (CRL, OCSP, time stamps, CA certificates), outside the staff area."""

from django.urls import URLPattern

app_name = "pki"
urlpatterns: list[URLPattern] = []
