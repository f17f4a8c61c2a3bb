"""While the database cannot be reached, requests get a clean 503 (DOMAIN §7: no server
error page for a passing outage); other server errors stay 500."""

import json

from django.db import OperationalError
from django.test import RequestFactory

from core.views import server_error


def _answer(path: str, exc: Exception):
    request = RequestFactory().get(path)
    try:
        raise exc
    except Exception:
        return server_error(request)


def test_database_unavailable_on_the_api_is_503_json_with_retry_after():
    response = _answer("/api/v1/services/", OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert body["errors"] == {} and "briefly unavailable" in body["message"]


def test_database_unavailable_on_a_page_is_503_without_touching_the_database():
    # No database access is allowed in this test: rendering must not query.
    response = _answer("/catalogue/", OperationalError("the database is starting up"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Briefly unavailable" in response.content


def test_other_errors_stay_500():
    response = _answer("/api/v1/services/", ValueError("a bug"))
    assert response.status_code == 500
    assert "Retry-After" not in response
