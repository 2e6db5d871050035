"""The documents a dossier holds: its papers and its result.

A document linked to a dossier is dedicated to it (`Document.Purpose.DOSSIER`): from then on it is
seen by whoever may see a dossier it belongs to (egov.dossiers.permissions, registered with the
documents' access rule), and by the citizen whose dossier it is, never by a role in the unit that
stored it alone.
"""

from egov.accounts.models import User
from egov.documents import services as document_services
from egov.documents.models import Document
from egov.dossiers.models import Dossier


def hold(dossier: Dossier, document: Document, *, by: User | None) -> Document:
    """Dedicate the document to the dossier (in the transaction that links it)."""
    return document_services.dedicate(
        document, purpose=Document.Purpose.DOSSIER, owner=dossier.citizen, by=by
    )
