"""A worker's own metrics server: its tasks' durations and failures and its imports'
throughput, which happen in the worker's processes and not the web's.

Started by the worker's main process once it is ready (``PORTAL_WORKER_METRICS_PORT``),
in a thread, with the standard library's WSGI server; the same access rule as the web's
``/metrics`` (the token or a configured network). With the prefork pool, the children's
figures are read from ``PROMETHEUS_MULTIPROC_DIR``.
"""

import logging
import os
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import access_allowed, exposition

logger = logging.getLogger(__name__)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # scrapes are not worth a log line each
        pass


def application(environ, start_response):
    if environ.get("PATH_INFO", "/") not in ("/", "/metrics"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found: the metrics are at /metrics.\n"]
    if not access_allowed(environ.get("REMOTE_ADDR"), environ.get("HTTP_AUTHORIZATION")):
        start_response("403 Forbidden", [("Content-Type", "text/plain")])
        return [b"Metrics are served with the metrics token or to the configured networks.\n"]
    body = exposition(state=False)
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Cache-Control", "no-store")])
    return [body]


def serve(address: str, port: int) -> WSGIServer | None:
    """Serve the worker's metrics on ``address:port`` in a daemon thread; a port already
    taken is logged, and the worker goes on without it."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        logger.warning(
            "PROMETHEUS_MULTIPROC_DIR is not set: tasks run by the pool's child processes "
            "are not counted in this worker's metrics"
        )
    try:
        server = make_server(address, port, application, _Server, _QuietHandler)
    except OSError as exc:
        logger.error("worker metrics not served on %s:%s: %s", address, port, exc)
        return None
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    logger.info("worker metrics served on %s:%s/metrics", address, port)
    return server
