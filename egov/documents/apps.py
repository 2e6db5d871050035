from django.apps import AppConfig
from django.conf import settings


class DocumentsConfig(AppConfig):
    name = "egov.documents"
    verbose_name = "Tài liệu"

    def ready(self) -> None:
        import pikepdf.settings

        # qpdf decodes some streams itself before our checks can count them (object streams,
        # when the file is opened), and OCRmyPDF and the signer read PDFs through it later: cap
        # what one stream may cost in every process (qpdf's limits are process-wide, set once).
        cap = settings.EGOV_PDF_MAX_DECODED_BYTES
        pikepdf.settings.set_qpdf_limits(
            flate_max_memory=cap, run_length_max_memory=cap, png_max_memory=cap, tiff_max_memory=cap
        )
