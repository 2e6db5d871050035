"""The /api/v1 interface: one NinjaAPI, each app's router mounted under its resource name."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="egov API",
    version="1",
    description="REST API of egov. Errors are JSON objects with a `code` and a `message` "
    "in the caller's language (Vietnamese by default, English with Accept-Language: en).",
    urls_namespace="api-v1",
)


@api.get("/health", tags=["system"], summary="Liveness check")
def health(request: object) -> dict[str, str]:
    return {"status": "ok"}
