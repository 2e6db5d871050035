from django.conf import settings
from django.http import HttpRequest


def deployment(request: HttpRequest) -> dict[str, str]:
    """The deployment's name, shown in every page header."""
    return {"deployment_name": settings.EGOV_DEPLOYMENT_NAME}
