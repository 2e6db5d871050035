"""Use case: a PDF that would run code or carry files by itself is refused, and says why."""

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from egov.documents import validation
from egov.documents.models import Document
from egov.documents.tests.files import edited, javascript, open_action_js
from egov.documents.tests.helpers import upload


def annotate(pdf: pikepdf.Pdf, **fields: object) -> None:
    annotation = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Rect=[0, 0, 10, 10])
    for key, value in fields.items():
        annotation[f"/{key}"] = value
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))


def document_javascript(pdf):
    tree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), pdf.make_indirect(javascript())]))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=tree)


def page_additional_action(pdf):
    # /AA /O: run when the page is opened; the script lies written inside the page dictionary.
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=javascript())


def field_format_script(pdf):
    field = pdf.make_indirect(
        pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String("so"), AA=pikepdf.Dictionary(K=javascript()))
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))


def launch_link(pdf):
    annotate(
        pdf,
        Subtype=pikepdf.Name.Link,
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
    )


def submit_button(pdf):
    action = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("http://example.com/"))
    annotate(pdf, Subtype=pikepdf.Name.Widget, A=action)


def embedded_file(pdf):
    pdf.attachments["hoa-don.xml"] = pikepdf.AttachedFileSpec(
        pdf,
        b"<x/>",
        description="",
        filename="hoa-don.xml",
        mime_type="text/xml",
        creation_date="",
        mod_date="",
    )


def file_attachment_annotation(pdf):
    annotate(
        pdf,
        Subtype=pikepdf.Name.FileAttachment,
        FS=pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe")),
    )


def rich_media(pdf):
    annotate(pdf, Subtype=pikepdf.Name.RichMedia)


def xfa_form(pdf):
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))


ACTIVE = [
    (open_action_js, "JavaScript"),
    (document_javascript, "JavaScript"),
    (page_additional_action, "JavaScript"),
    (field_format_script, "JavaScript"),
    (launch_link, "an action that starts a program"),
    (submit_button, "a form that sends its data elsewhere"),
    (embedded_file, "attached files"),
    (file_attachment_annotation, "attached files"),
    (rich_media, "multimedia content"),
    (xfa_form, "an XFA form"),
]


@pytest.mark.parametrize(("change", "what"), ACTIVE, ids=[change.__name__ for change, _ in ACTIVE])
def test_active_content_is_refused_and_named(change, what):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validation.check_content(edited(change), "a.pdf")

    assert caught.value.code == "active_content"
    assert caught.value.messages == [
        f"The PDF contains {what}, which could run or open by itself, so it was refused. "
        "Print it to PDF again or export it without scripts and attachments."
    ]


def test_javascript_pdf_is_refused_over_http_in_vietnamese(client, specialist, province, media):
    client.force_login(specialist)

    response = client.post(
        reverse("documents:create"),
        {
            "title": "Có mã lệnh",
            "unit": province.department.pk,
            "file": upload("a.pdf", edited(open_action_js)),
        },
    )

    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["active_content"]
    assert "Tệp PDF có chứa JavaScript" in response.text
    assert not Document.objects.exists()


def links_and_bookmarks(pdf):
    annotate(
        pdf,
        Subtype=pikepdf.Name.Link,
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://dichvucong.gov.vn/")),
    )
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])


def test_links_and_an_opening_view_are_not_active_content():
    assert validation.check_content(edited(links_and_bookmarks), "a.pdf").page_count == 1
