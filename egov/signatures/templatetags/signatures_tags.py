"""Formatting of validation reports: Vietnam time, problem codes in the reader's language."""

from datetime import datetime

from django import template
from django.utils.translation import gettext

from egov.signatures.appearance import VIETNAM
from egov.signatures.validation import ERROR_MESSAGES

register = template.Library()


@register.filter
def report_time(value: str | None) -> str:
    """An ISO time from a report, as dd/mm/yyyy HH:MM:SS in Vietnam time."""
    if not value:
        return "–"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S")


@register.filter
def problem(code: str) -> str:
    """The message of a problem code found by validation."""
    message = ERROR_MESSAGES.get(code)
    return gettext(message) if message else code
