from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "egov.dossiers"
    verbose_name = "Hồ sơ thủ tục hành chính"

    def ready(self) -> None:
        # Who sees a dossier's papers and results is the dossier's rule: give it to the documents'
        # access function, the one place every document page and endpoint asks.
        from egov.documents.models import Document
        from egov.documents.permissions import PurposeRule, register_purpose
        from egov.dossiers.permissions import documents_through_dossiers, may_add_document_version
        from egov.dossiers.services.papers import version_added

        register_purpose(
            Document.Purpose.DOSSIER,
            PurposeRule(
                visible=documents_through_dossiers,
                may_add_version=may_add_document_version,
                # A dossier keeps the version of a paper it holds; a new one goes on its timeline.
                version_added=lambda version, by: version_added(version, by=by),
            ),
        )
