"""Helpers the suite shares (service detection, reference data, real Celery workers,
polling); the fixtures built on them are in ``conftest.py``."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from django.core.management import call_command

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


CHROMIUM = Path("/usr/bin/chromium")


# The same default as portal.settings.test.
REDIS_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/9"


def production_env(**overrides: str) -> dict:
    """The environment of a process on production settings: this one's, less every
    variable production reads, plus each one it requires (placeholders: nothing connects to
    them). ``overrides`` replace them; an empty value unsets one."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "PORTAL_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY="a-long-random-secret-key-for-tests-only-0123456789abcdefghijkl",
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="postgres://portal:not-a-password@127.0.0.1:5432/portal",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def spare_port() -> int:
    """A TCP port nothing listens on now (for a server a test starts, or a closed port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def ensure_reference_data() -> None:
    """Transactional tests start from an empty database: load the reference data again."""
    from providers.models import ServiceProvider

    if not ServiceProvider.objects.exists():
        call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("load_sla_template", stdout=open(os.devnull, "w"))  # noqa: SIM115


ROOT = Path(__file__).resolve().parent.parent

# The queues a test worker consumes: all of them, so that one worker runs every task.
QUEUES = "celery,compliance"


class WorkerProcess:
    """A real ``celery worker`` process on the test database and Redis."""

    def __init__(self, env: dict):
        self.env = env
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                # Every queue (the compliance engine's has its own: CELERY_TASK_ROUTES).
                "--queues",
                QUEUES,
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=self.env,
        )
        return self

    def run(self, name: str, *args, timeout: float = 60):
        """Send a task by name and wait for its result through the Redis result backend."""
        from celery.result import AsyncResult

        from portal.celery import app

        sent = app.send_task(name, args=list(args))
        return AsyncResult(sent.id, backend=self.results, app=app).get(timeout=timeout)

    def kill(self):
        """SIGKILL: the worker dies mid-task without acknowledging it."""
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def database_url_of_tests() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerPool:
    """Starts workers against Redis and stops them all afterwards; tasks sent by the test
    process go to Redis (eager mode is off meanwhile) and results come back through it."""

    def __init__(self, redis_url: str, database_url: str | None):
        self.redis_url = redis_url
        self.database_url = database_url
        self.workers: list[WorkerProcess] = []

    def __enter__(self):
        from portal.celery import app

        self.app = app
        self.result_backend = (
            os.environ.get("CELERY_RESULT_BACKEND") or self.redis_url.rsplit("/", 1)[0] + "/11"
        )
        assert app.conf.broker_url == self.redis_url, "worker tests use the test broker"
        self.saved = {k: app.conf[k] for k in ("task_always_eager", "result_backend")}
        app.conf.update(task_always_eager=False, result_backend=self.result_backend)
        app.control.purge()
        self.results = _results_backend(app, self.result_backend)
        return self

    def __exit__(self, *exc):
        for worker in self.workers:
            worker.stop()
        self.app.control.purge()
        self.app.conf.update(self.saved)

    def spawn(self, **extra_env) -> "WorkerProcess":
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            CELERY_BROKER_URL=self.redis_url,
            CELERY_RESULT_BACKEND=self.result_backend,
            **{k: str(v) for k, v in extra_env.items()},
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        worker = WorkerProcess(env).start()
        worker.results = self.results
        self.workers.append(worker)
        self.wait_ready(len([w for w in self.workers if w.process.poll() is None]))
        return worker

    def wait_ready(self, count: int, timeout: float = 90) -> None:
        """Wait until ``count`` workers answer a ping over the broker."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.app.control.ping(timeout=1.0) or []) >= count:
                return
        raise AssertionError(f"{count} workers did not come up within {timeout} s")

    def run(self, name: str, *args, timeout: float = 60):
        return self.workers[0].run(name, *args, timeout=timeout)

    def send(self, name: str, *args):
        return self.app.send_task(name, args=list(args))


def _results_backend(app, url: str):
    # Note: the app's own backend is built once per process (disabled in tests), so
    # results are read through a backend made for the worker tests.
    from celery.app.backends import by_url

    backend_cls, url = by_url(url, app.loader)
    return backend_cls(app=app, url=url)


def wait_for(predicate, timeout: float = 60, interval: float = 0.2, what: str = ""):
    """Poll until ``predicate()`` is true (tests of background work); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


def session_headers(user) -> dict[str, str]:
    """Headers that sign ``user`` in to the API outside Django's test client (a WSGI call,
    a generated client): their session cookie, and a CSRF cookie with the same token in
    ``X-CSRFToken`` for writes."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = uuid.uuid4().hex
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
    }


@contextlib.contextmanager
def wsgi_in_test_transaction():
    """Requests sent to the WSGI app in-process (not through Django's test client) run in
    the test's transaction: keep Django from closing the connection after each one."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Plain language on the pages: what a label generated from a field's name or lookup looks
# like ("Received at is greater than or equal to", "Sla", "Offerings provider"), and the
# empty choice django's forms make of a row of dashes.
GENERATED_LABEL = re.compile(
    r"is (greater|less) than|is in the range|\bSla\b|Offerings? (provider|service)|"
    r"Sla agreement|(working|calendar) seconds|YYYY|ISO code|^Ordering$"
)
DASHES = "---------"


def plain_language_problems(html: str) -> list[str]:
    """What breaks the plain-language rules in a page's HTML: a choice of dashes or
    "Unknown", a generated label."""
    problems = []
    if DASHES in html:
        problems.append("a choice of dashes")
    if re.search(r">\s*Unknown\s*</option>", html):
        problems.append("an 'Unknown' choice")
    for label in re.findall(r"<label[^>]*>(.*?)</label>", html, flags=re.S):
        text = re.sub(r"<[^>]+>", "", label).strip()
        if GENERATED_LABEL.search(text):
            problems.append(f"generated label {text!r}")
    return problems
