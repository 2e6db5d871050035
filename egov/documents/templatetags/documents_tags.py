"""Template helpers of the documents screens."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """The URL of a named view, or "" when that view is not installed (a higher app's screen)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
