"""The officer's workspace: queues, desk intake, a dossier's page and its actions.

Views are thin: parse the request, find the dossier through permissions, call one service, render.
Every page works without JavaScript; HTMX only swaps parts of the page.
"""

from egov.dossiers.views.dossier import act, detail, dossier_file
from egov.dossiers.views.intake import intake
from egov.dossiers.views.queue import queue

__all__ = ["act", "detail", "dossier_file", "intake", "queue"]
