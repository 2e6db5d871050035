"""How the API writes its answers: every moment in Vietnam's time, whatever it came from.

A moment read back from the database is in UTC, one just computed by the working-time calendar is
in Asia/Ho_Chi_Minh: without one rule, the same instant would read differently in a 201 and in a
later GET. The API says every moment with the +07:00 offset, as its inputs are documented.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class VietnamTimeEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o, timezone.get_default_timezone())
        return super().default(o)


class VietnamTimeRenderer(JSONRenderer):
    encoder_class = VietnamTimeEncoder
