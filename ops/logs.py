"""The log format of production: one JSON object a line, with the request's or the task's
id when the line was written while serving one.

The standard library's logging with this small formatter, rather than a formatter
library: the fields are few and fixed, ``json.dumps`` writes them, and the project keeps
one dependency less to follow. No Django import here: logging is configured before the
apps are loaded (and gunicorn's own configuration uses it too).
"""

import contextvars
import datetime as dt
import json
import logging

# The id of the request being served, and of the task being run, in this thread.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_id", default=None)

# The attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Set here, or not written: Django's request loggers pass the request object itself.
_LEFT_OUT = {"request_id", "task_id", "time", "level", "logger", "request"}


class JsonFormatter(logging.Formatter):
    """One line of JSON per event: time (UTC, ISO 8601), level, logger, message, the
    request and task ids when known, the exception's traceback if any, and the fields
    given with ``extra=``."""

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, current in (("request_id", request_id), ("task_id", task_id)):
            value = getattr(record, name, None) or current.get()
            if value:
                event[name] = value
        for name, value in record.__dict__.items():
            if name not in _STANDARD and name not in _LEFT_OUT and not name.startswith("_"):
                event[name] = value
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            event["exception"] = record.exc_text
        if record.stack_info:
            event["stack"] = self.formatStack(record.stack_info)
        return json.dumps(event, default=str, ensure_ascii=False)
