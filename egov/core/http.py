"""The typed request views receive: django-htmx adds `htmx`, our middleware `request_id`."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class EgovRequest(HttpRequest):
    htmx: HtmxDetails
    request_id: str
