from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "egov.signatures"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        from egov.core import audit_anchors
        from egov.signatures.audit_seal import TimestampSealer

        audit_anchors.register_sealer(TimestampSealer())
