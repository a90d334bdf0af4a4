"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep one line, without the traceback, for requests refused with a 4xx answer.

    Django's `django.request` logger attaches the exception to every 403 (PermissionDenied) and 400; those are
    the service working as intended (someone asked for what they may not have), not faults to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
