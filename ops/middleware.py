"""The first middleware of every request: its id and its measure; then the probes."""

import logging
import re
import time
import uuid

from django.urls import Resolver404, resolve

from . import logs, metrics

access_log = logging.getLogger("portal.access")

# An id the caller (a proxy) sent is kept if it looks like one; anything else is replaced.
INCOMING_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Answered by ProbeMiddleware, and left out of the access log (orchestrators call them
# every few seconds); still measured.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContextMiddleware:
    """Give the request an id (the caller's ``X-Request-ID`` if well formed, else a new
    one), for every log line written while serving it and for the tasks it sends; answer
    with it in ``X-Request-ID``; time the request for the metrics; write one access line
    (``portal.access``: method, path without the query string, status, duration)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = logs.request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            route = match.view_name if match is not None else "unmatched"
            metrics.observe_request(request.method, route, response.status_code, seconds)
            response["X-Request-ID"] = request.request_id
            if request.path_info not in PROBE_PATHS:
                access_log.info(
                    "%s %s %s %.1f ms",
                    request.method,
                    request.path,
                    response.status_code,
                    seconds * 1000,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                        "route": route,
                    },
                )
            return response
        finally:
            logs.request_id.reset(token)


class ProbeMiddleware:
    """Answer ``/healthz``, ``/readyz`` and ``/metrics`` at once, before host validation,
    the HTTPS redirect, sessions and sign-in: an orchestrator or Prometheus calls them by
    the container's address over plain HTTP, and they need none of those (``/metrics``
    checks its own token or network). They stay in the URLconf, which names them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in PROBE_PATHS:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            request.resolver_match = match
            return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)
