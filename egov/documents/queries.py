"""Reads of documents: the search list and a document's versions and digitisation."""

from django.db.models import QuerySet

from egov.core.text import search_terms
from egov.documents.models import DigitisationJob, Document, DocumentVersion
from egov.documents.permissions import AnyUser, documents_visible_to


def search_documents(user: AnyUser, query: str = "") -> QuerySet[Document]:
    """Visible documents whose title or current text holds every word of the query, accents ignored."""
    documents = (
        documents_visible_to(user)
        .select_related("unit", "current_version", "created_by")
        # The list shows no text; a version's text may be a megabyte.
        .defer("search_text", "current_version__text", "current_version__search_text")
    )
    for term in search_terms(query):
        documents = documents.filter(search_text__contains=term)
    return documents.order_by("-created_at", "-pk")


def versions_of(document: Document) -> QuerySet[DocumentVersion]:
    """A document's versions, newest first, with their authors and sources (one query)."""
    return (
        document.versions.select_related("created_by", "derived_from")
        .defer("text", "search_text", "derived_from__text", "derived_from__search_text")
        .order_by("-number")
    )


def latest_digitisation(document: Document) -> DigitisationJob | None:
    """The most recent digitisation job of any version of the document."""
    return (
        DigitisationJob.objects.filter(source__document=document)
        .select_related("source", "result")
        .defer("source__text", "source__search_text", "result__text", "result__search_text")
        .order_by("-created_at", "-pk")
        .first()
    )
