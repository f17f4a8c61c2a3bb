"""The probes of orchestrators and the metrics of Prometheus: JSON or text, no sign-in,
never cached (``ops.middleware.ProbeMiddleware`` answers them first)."""

from django.http import HttpResponse, JsonResponse
from django.views import View
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import access_allowed, exposition
from .readiness import readiness


def _no_store(response):
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthView(View):
    """Liveness: the process answers. Touches neither the database nor Redis."""

    http_method_names = ["get", "head"]

    def get(self, request):
        return _no_store(JsonResponse({"status": "ok"}))


class ReadinessView(View):
    """Readiness: 200 when every check passes, 503 naming those that failed."""

    http_method_names = ["get", "head"]

    def get(self, request):
        ready, checks = readiness()
        body = {
            "status": "ready" if ready else "unavailable",
            "failed": [name for name, check in checks.items() if not check["ok"]],
            "checks": checks,
        }
        return _no_store(JsonResponse(body, status=200 if ready else 503))


class MetricsView(View):
    """Prometheus' text format, for a bearer token or a configured network only."""

    http_method_names = ["get", "head"]

    def get(self, request):
        if not access_allowed(
            request.META.get("REMOTE_ADDR"), request.META.get("HTTP_AUTHORIZATION")
        ):
            return _no_store(
                JsonResponse(
                    {
                        "message": "Metrics are served with the metrics token or to the "
                        "configured networks only.",
                        "errors": {},
                    },
                    status=403,
                )
            )
        return _no_store(HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST))
