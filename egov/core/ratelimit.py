"""A small fixed-window rate limiter on Django's cache, for public endpoints that read by key.

The default cache is per process (LocMemCache), so with several workers the effective limit is
the limit times the number of workers; configure a shared cache (Redis, database) in production
when that matters.
"""

import math
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address the request came from.

    Only REMOTE_ADDR: X-Forwarded-For can be written by anyone, so trusting it without a
    configured proxy would let every client pick its own bucket.
    """
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def hit(scope: str, client: str, *, limit: int, window_seconds: int = 60) -> int | None:
    """Count one request of `client` in `scope`; None when allowed, else seconds until it may retry."""
    now = time.time()
    window = int(now // window_seconds)
    key = f"ratelimit:{scope}:{client}:{window}"
    # add() is a no-op when the key exists, so concurrent first requests do not reset the count.
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=window_seconds + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * window_seconds - now))
