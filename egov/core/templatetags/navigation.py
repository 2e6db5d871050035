"""Menu links that know the page they are on: the current page is named, not linked to itself."""

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context: Context, url_name: str, label: str) -> SafeString:
    url = reverse(url_name)
    request = context.get("request")
    if request is not None and request.path == url:
        return format_html('<span class="nav-current" aria-current="page">{}</span>', label)
    return format_html('<a href="{}">{}</a>', url, label)
