"""Every form field comes from one template: a radio group is a fieldset named by its legend, and
help text and errors are tied to their input (issue 11, item 10; WCAG 1.3.1 and 3.3.1).

There were three copies of the field template; the PAKN one printed radios under a legend but
the errors stood outside it and no input said which message described it.
"""

import lxml.html  # type: ignore[import-untyped]
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _page(response):
    assert response.status_code in (200, 400)  # 400: the form came back with its errors
    return lxml.html.fromstring(response.content.decode())


def test_a_radio_group_is_a_fieldset_with_its_legend(client):
    page = _page(client.get(reverse("feedback:submit"), **EN))

    (group,) = [f for f in page.iter("fieldset") if f.find(".//input[@name='kind']") is not None]
    assert group.find("legend").text_content().split("*")[0].strip() == "Kind"
    radios = group.findall(".//input[@name='kind']")
    assert len(radios) > 1
    assert all(r.get("type") == "radio" for r in radios)
    # Each choice is labelled by its own text, inside the group.
    assert all(r.getparent().tag == "label" for r in radios)
    # A text field is a label and its input, not a group.
    title = page.get_element_by_id("id_title")
    assert page.xpath("//label[@for='id_title']")
    assert title.xpath("ancestor::fieldset") == []


def test_errors_are_named_by_the_input_or_the_group_they_describe(client):
    page = _page(client.post(reverse("feedback:submit"), {"content": ""}, **EN))

    group = page.xpath("//fieldset[.//input[@name='kind']]")[0]
    assert group.get("aria-describedby") == "id_kind_error"
    assert group.xpath(".//ul[@id='id_kind_error']/li")
    title = page.get_element_by_id("id_title")
    assert title.get("aria-invalid") == "true"
    assert title.get("aria-describedby") == "id_title_error"
    assert page.get_element_by_id("id_title_error").text_content().strip()
