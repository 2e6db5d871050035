"""API schemas that every app's endpoints share (egov.api documents them on every operation)."""

from collections.abc import Callable
from typing import Any

import ninja
from ninja import Schema


class ErrorOut(Schema):
    """Every error the API answers: a stable code, a message in the caller's language, details."""

    code: str
    message: str
    details: Any = None


class UploadedFile(ninja.UploadedFile):
    """A file part of a multipart request; an empty one is no file at all (Django drops it)."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Callable[..., Any]) -> dict[str, Any]:
        return {"type": "string", "format": "binary", "minLength": 1}
