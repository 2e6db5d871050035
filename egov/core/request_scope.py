"""Values read once per request: what several layers ask for within one request.

A receipt reads the working calendar to set the deadlines and again to answer with the clock;
a dossier page reads it for the deadlines and for the timeline. Inside a request the first read
is kept for the rest of it; outside one (the task worker, a management command) every call reads
afresh. The owner of a value forgets it when it changes, so a request that edits the calendar
reads the new one.
"""

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

_values: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "egov_request_scope", default=None
)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Keep what `once_per_request` reads inside the block, and drop it at the end."""
    token = _values.set({})
    try:
        yield
    finally:
        _values.reset(token)


def once_per_request[T](key: str, read: Callable[[], T]) -> T:
    """`read()` once per request (every time outside one)."""
    values = _values.get()
    if values is None:
        return read()
    if key not in values:
        values[key] = read()
    return values[key]  # type: ignore[no-any-return]


def forget(key: str) -> None:
    """The value changed: the next `once_per_request(key, …)` in this request reads it again."""
    values = _values.get()
    if values is not None:
        values.pop(key, None)
