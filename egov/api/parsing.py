"""The API's parser: every string it hands to a schema is text the database can store.

A JSON body may carry "\\u0000" and lone UTF-16 surrogates ("\\ud800"), a query string or a form
"%00"; PostgreSQL refuses NUL in text and no database can encode a lone surrogate, so such a request
ended in a 500. NUL means nothing in text and is removed; a lone surrogate becomes U+FFFD, as when
undecodable bytes are read. (Pages refuse such requests instead: egov.core.middleware.)
"""

import json
import re
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable_text(text: str) -> str:
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda found: "" if found.group() == "\x00" else "\ufffd", text)


def storable(value: Any) -> Any:
    """The JSON value with every string (keys too) made storable."""
    if isinstance(value, str):
        return _storable_text(value)
    if isinstance(value, dict):
        return {_storable_text(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


class StorableParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return storable(json.loads(request.body))

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed: dict[str, Any] = storable(super().parse_querydict(data, list_fields, request))
        return parsed
