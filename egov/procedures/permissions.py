"""Access to the catalogue: the public sees every procedure that was ever published."""

from django.shortcuts import get_object_or_404

from egov.procedures.models import Procedure


def get_public_procedure(code: str) -> Procedure:
    """Return a published procedure by its national code, or raise Http404.

    Abolished and replaced procedures stay visible (people look up old dossiers), with a notice.
    """
    return get_object_or_404(Procedure.objects.select_related("current_version", "replaced_by"), code=code)
