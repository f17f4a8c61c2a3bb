"""Private Redis, PostgreSQL and gunicorn processes for the fault tests, on spare ports.

Each test starts its own, so stopping or restarting them never touches the machine's
shared services. Every process is started in its own session and stopped (killed if
needed) when the test ends, failed or not.
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.support import REQUIRE_SERVICES, ROOT, wait_for


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need(binary: str | None, what: str) -> str:
    """The path of ``binary``, or skip (fail under PORTAL_REQUIRE_SERVICES=1) without it."""
    if binary and Path(binary).exists():
        return binary
    message = f"the fault tests need {what}"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


def _answers(port: int, payload: bytes, expected: bytes) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(payload)
            return sock.recv(64).startswith(expected)
    except OSError:
        return False


def stop_process(process: subprocess.Popen | None, timeout: float = 20) -> None:
    """Terminate a process started with ``start_new_session`` and everything it started."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class PrivateRedis:
    """``redis-server`` on a spare port, without persistence: a restart loses everything
    queued in it, the worst case for tasks in flight."""

    def __init__(self, workdir: Path):
        self.binary = need(shutil.which("redis-server"), "redis-server (apt-get install redis)")
        self.port = spare_port()
        self.workdir = workdir
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_for(self.is_up, 20, interval=0.1, what="private redis-server answers PING")
        return self

    def is_up(self) -> bool:
        return _answers(self.port, b"PING\r\n", b"+PONG")

    def kill(self) -> None:
        """Stop it dead (SIGKILL), as a crash or a pulled plug would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)


def postgres_bindir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(need(found[-1] if found else None, "PostgreSQL's initdb")).parent)


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a spare port (trust authentication, no fsync).

    initdb refuses to run as root: as root the cluster belongs to the ``postgres`` user
    and its commands run through ``runuser``.
    """

    def __init__(self):
        self.bindir = postgres_bindir()
        self.port = spare_port()
        # Not under pytest's temporary directory: the postgres user could not reach it.
        self.root = Path(tempfile.mkdtemp(prefix="portal-fault-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            need(shutil.which("runuser"), "runuser (util-linux) to run PostgreSQL as root")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.started = False

    def url(self, name: str = "portal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command: str, timeout: float = 120) -> None:
        subprocess.run(
            [*self.as_user, *command],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def init(self) -> "PrivatePostgres":
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(f"{self.bindir}/initdb", "-D", str(self.data), "-U", "postgres",
                  "-A", "trust", "--no-sync", "--no-instructions", "-E", "UTF8")  # fmt: skip
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        if self.started:
            self._run(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
            self.started = False

    def create_database(self, name: str = "portal") -> str:
        self._run(f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", name)  # fmt: skip
        return self.url(name)

    def cleanup(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.started = True  # also after a start that failed half-way
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def manage(*args: str, env: dict, timeout: float = 300) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


def start_gunicorn(env: dict, workers: int = 1, threads: int = 4) -> tuple[subprocess.Popen, int]:
    """The portal under gunicorn (gthread), as in production; returns (process, port)."""
    port = spare_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "60",
         "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: _serves(port), 60, interval=0.3, what="gunicorn serves the login page")
    except AssertionError:
        stop_process(process)
        raise
    return process, port


def _serves(port: int) -> bool:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/accounts/login/", timeout=10
        ) as response:
            return response.status == 200
    except OSError:
        return False


def portal_env(**extra: str) -> dict:
    """The environment of a portal process (web or worker) outside the test process:
    local settings with DEBUG off, e-mail discarded."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portal.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DJANGO_LOG_LEVEL="ERROR",
    )
    env.pop("CELERY_RESULT_BACKEND", None)
    env.update(extra)
    return env
