"""Logs in production: one JSON object a line (time, level, logger, message, and the
request's and task's ids where known), from the portal, its workers and gunicorn."""

import io
import json
import logging
import subprocess
import sys

import pytest
from celery import shared_task

from ops import logs
from ops.receivers import REQUEST_ID_HEADER, pass_the_request_id
from tests.support import ROOT, production_env

task_logger = logging.getLogger("tests.ops.task")


@shared_task(name="tests.ops.log")
def log_something(words: str) -> str:
    task_logger.warning("the task says %s", words)
    return words


@pytest.fixture
def json_lines():
    """Lines written by the JSON formatter on the root logger, read back as objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    access = logging.getLogger("portal.access")
    saved = access.level
    root.addHandler(handler)
    access.setLevel(logging.INFO)

    def read() -> list[dict]:
        lines = stream.getvalue().splitlines()
        return [json.loads(line) for line in lines]

    yield read
    root.removeHandler(handler)
    access.setLevel(saved)


def test_a_line_is_one_json_object_with_the_fields_and_the_traceback(json_lines):
    logger = logging.getLogger("tests.ops")
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        logger.exception("it failed: %s", "badly", extra={"record_import": 7})
    [event] = json_lines()
    assert event["level"] == "ERROR" and event["logger"] == "tests.ops"
    assert event["message"] == "it failed: badly"
    assert event["time"].endswith("+00:00") and "T" in event["time"]
    assert event["record_import"] == 7
    assert "ValueError: bad\nvalue" in event["exception"]
    assert "request_id" not in event and "task_id" not in event


@pytest.mark.django_db
def test_a_request_writes_one_access_line_with_its_id(client, json_lines):
    response = client.get("/catalogue/?q=secret-search", HTTP_X_REQUEST_ID="edge-7")
    access = [e for e in json_lines() if e["logger"] == "portal.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == response["X-Request-ID"] == "edge-7"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/catalogue/", 302)
    assert line["route"] == "catalogue:service-list" and line["duration_ms"] >= 0
    assert "secret-search" not in json.dumps(line)  # no query string
    client.get("/healthz")  # probes are measured, not written
    assert len([e for e in json_lines() if e["logger"] == "portal.access"]) == 1


@pytest.mark.django_db
def test_a_task_line_carries_the_task_id_and_the_request_that_sent_it(json_lines):
    token = logs.request_id.set("req-1")
    try:
        result = log_something.delay("hello")
    finally:
        logs.request_id.reset(token)
    [event] = [e for e in json_lines() if e["logger"] == "tests.ops.task"]
    assert event["message"] == "the task says hello"
    assert event["task_id"] == result.id
    assert event["request_id"] == "req-1"
    assert logs.task_id.get() is None, "the task's id is forgotten when it ends"
    # On a worker, the request's id arrives with the task's message.
    headers: dict = {}
    token = logs.request_id.set("req-2")
    try:
        pass_the_request_id(headers=headers)
    finally:
        logs.request_id.reset(token)
    assert headers == {REQUEST_ID_HEADER: "req-2"}
    result = log_something.apply(args=["again"], headers=headers)
    event = [e for e in json_lines() if e["logger"] == "tests.ops.task"][-1]
    assert (event["task_id"], event["request_id"]) == (result.id, "req-2")


PRODUCTION_LINES = """
import django, logging
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from ops.middleware import RequestContextMiddleware
logging.getLogger("portal.test").warning("started %s", "up")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("portal.test").exception("it broke")
RequestContextMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/some/page/"))
"""


def test_production_writes_only_json_lines():
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_LINES],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert [e["message"] for e in events[:2]] == ["started up", "it broke"]
    assert "ZeroDivisionError" in events[1]["exception"]
    access = events[2]
    assert access["logger"] == "portal.access" and access["level"] == "INFO"
    assert access["path"] == "/some/page/" and len(access["request_id"]) == 32
    for event in events:
        assert {"time", "level", "logger", "message"} <= set(event)


def test_gunicorn_logs_json_unless_told_otherwise():
    code = (
        "import runpy, json; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps(c.get('logconfig_dict', {}).get('formatters')))"
    )
    env = production_env()
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert json.loads(shown.stdout) == {"json": {"()": "ops.logs.JsonFormatter"}}
    env["PORTAL_LOG_FORMAT"] = "text"
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert json.loads(shown.stdout) is None
