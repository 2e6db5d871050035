"""Use case: documents stored before purposes existed get theirs (dossiers 0011)."""

import importlib

from django.apps import apps

from egov.documents.models import Document
from egov.documents.tests.helpers import make_document
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.dossiers.tests.online_factories import citizen as make_citizen
from egov.dossiers.tests.online_factories import filled_draft, online_procedure, submitted

migration = importlib.import_module("egov.dossiers.migrations.0011_documents_by_purpose")


def test_existing_papers_drafts_and_office_documents_get_their_purpose(province, desk_officer):
    owner = make_citizen()
    online = online_procedure()
    online_paper = submitted(online, owner, province.commune).components.exclude(document=None).get().document
    draft_upload = filled_draft(online, owner, province.commune).attachments.get().document
    # Filed at the desk by someone without an account (an account's ID would make it theirs).
    desk_dossier = receive(
        commune_procedure("1.000001"), province.commune, desk_officer, id_number="019090007777"
    )
    desk_paper = desk_dossier.components.exclude(document=None).first().document
    office = make_document(desk_officer, province.commune, "Kế hoạch")
    # As they were before the migration: every document a unit's, nobody's own.
    Document.objects.update(purpose=Document.Purpose.OFFICE, owner=None)

    migration.forwards(apps, None)

    def state(document):
        document.refresh_from_db()
        return document.purpose, document.owner_id

    assert state(online_paper) == (Document.Purpose.DOSSIER, owner.pk)
    assert state(draft_upload) == (Document.Purpose.PERSONAL, owner.pk)
    assert state(desk_paper) == (Document.Purpose.DOSSIER, None)
    assert state(office) == (Document.Purpose.OFFICE, None)
