"""Settings: production refuses to start without its secrets; the embedded default works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(settings: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE=settings)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env",
    [{}, {"DJANGO_SECRET_KEY": "x" * 60}, {"DJANGO_ALLOWED_HOSTS": "portal.example.org"}],
)
def test_production_refuses_to_start_without_secret_key_and_hosts(env):
    result = run_check("portal.settings.production", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr or "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = run_check(
        "portal.settings.production",
        DJANGO_SECRET_KEY="a-long-random-secret-key-for-this-test-only-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode == 0, result.stderr


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
