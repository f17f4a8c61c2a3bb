"""Deployment security: check --deploy, the Content-Security-Policy, sign-in throttling."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import UserFactory
from tests.support import production_env

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings():
    env = production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/catalogue/", "/api/docs/"])
def test_every_page_has_a_strict_content_security_policy(client, url):
    client.force_login(UserFactory())
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_file(client):
    client.force_login(UserFactory())
    body = client.get("/api/docs/").content.decode()
    assert "<style>" not in body
    assert "script=" in body
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_sign_in_is_locked_after_five_failures(client):
    user = UserFactory(username="target")
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "target", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "target", "password": "test-pass-123"})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session
    assert user.is_active


@pytest.mark.django_db
def test_a_good_password_resets_the_count(client):
    UserFactory(username="forgetful")
    for _ in range(4):
        client.post("/accounts/login/", {"username": "forgetful", "password": "wrong"})
    ok = client.post("/accounts/login/", {"username": "forgetful", "password": "test-pass-123"})
    assert ok.status_code == 302
