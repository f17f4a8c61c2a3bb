"""Settings: production refuses to start without its secrets, PostgreSQL and a broker;
workers and beat refuse to start without a settings module; compose refuses to start
without a database password; the embedded default works."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.support import QUEUES, REQUIRE_SERVICES, ROOT, production_env

SETUP = "import django; django.setup(); print('started')"


def run_check(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_production(**env) -> subprocess.CompletedProcess:
    """Load Django with production settings in a new process, as gunicorn does."""
    return subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"]
)
def test_production_refuses_to_start_without_each_variable(missing):
    result = start_production(**{missing: ""})
    assert result.returncode != 0
    assert "started" not in result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert "Production settings refuse to start" in last_line
    assert f"{missing} is not set" in last_line


def test_production_names_everything_missing_at_once():
    result = start_production(
        DJANGO_SECRET_KEY="", DJANGO_ALLOWED_HOSTS="", DATABASE_URL="", CELERY_BROKER_URL=""
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"):
        assert f"{name} is not set" in last_line


def test_production_refuses_sqlite():
    result = start_production(DATABASE_URL="sqlite:////tmp/portal.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_production_refuses_a_broker_other_than_redis():
    result = start_production(CELERY_BROKER_URL="memory://")
    assert result.returncode != 0
    assert "CELERY_BROKER_URL must be a Redis URL" in result.stderr


def test_production_never_prints_the_database_password():
    result = start_production(DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "not-a-password" not in result.stderr + result.stdout


def test_production_starts_with_everything_and_sends_tasks_to_the_broker():
    result = run_check()
    assert result.returncode == 0, result.stderr
    code = (
        "import django; django.setup(); from portal.celery import app; "
        "print(app.conf.task_always_eager, app.conf.broker_url)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.stdout.split() == ["False", "redis://127.0.0.1:6379/15"], shown.stderr


@pytest.mark.parametrize("program", ["worker", "beat"])
def test_celery_refuses_to_start_without_a_settings_module(program):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "portal", program, "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SETTINGS_MODULE is not set" in result.stderr.strip().splitlines()[-1]


def compose_config(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    """``docker-compose config`` on the project's file, reading no .env file but an empty
    one, with ``env`` as the only variables it may interpolate."""
    empty = tmp_path / "empty.env"
    empty.write_text("")
    environment = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    environment.update(env)
    return subprocess.run(
        ["docker-compose", "--env-file", str(empty), "-f", str(ROOT / "docker-compose.yml"),
         "config", "-q"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip


@pytest.fixture
def docker_compose():
    if shutil.which("docker-compose") is None:
        message = "docker-compose is not installed (apt-get install docker-compose)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


def test_compose_refuses_to_start_without_a_database_password(docker_compose, tmp_path):
    result = compose_config(tmp_path)
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD" in result.stderr


def test_compose_accepts_the_file_with_a_password(docker_compose, tmp_path):
    result = compose_config(tmp_path, POSTGRES_PASSWORD="0123456789abcdef")
    assert result.returncode == 0, result.stderr


def test_compliance_tasks_go_to_their_own_queue():
    from portal.celery import app

    def queue_of(name: str) -> str:
        return app.amqp.router.route({}, name)["queue"].name

    assert queue_of("compliance.compute_pending") == "compliance"
    assert queue_of("compliance.compute_shards") == "compliance"
    assert queue_of("records.validate_record_import") == "celery"
    assert queue_of("core.ping") == "celery"
    # Each queue on its own exchange and key: a task is never delivered to both.
    bindings = {(q.exchange.name, q.routing_key) for q in app.amqp.queues.values()}
    assert bindings == {("celery", "celery"), ("compliance", "compliance")}
    # The test workers consume every queue a task can be routed to.
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert set(QUEUES.split(",")) == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}


def test_tasks_run_in_process_without_a_broker():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    environment["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    code = "from core.tasks import ping; print(ping.delay('in-process').get(timeout=5))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "in-process"


def test_openapi_schema_is_valid_and_warning_free():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)
