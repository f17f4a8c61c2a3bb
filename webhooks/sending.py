"""One HTTP POST of a delivery, to an address checked just before (``safety``).

Written on the standard library's ``http.client`` rather than a client library: the
request must go to the address that was checked, not to whatever the name resolves to a
moment later, while TLS still verifies the certificate against the host name and the
``Host`` header names it. ``http.client`` lets a connection be opened to a given address
in a few lines, and it never follows a redirect (a 3xx is a failed attempt, as the
Standard Webhooks specification advises). The time limit applies to connecting and to
each read, and the whole answer must come within twice that; only its first bytes are
read.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from .choices import RESPONSE_BODY_KEPT
from .safety import Target, UnsafeUrl, check_url

READ_AT_MOST = 64 * 1024
USER_AGENT = "UN-Secretariat-Service-Portal-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    response_body: str
    error: str
    duration_ms: int
    retry_after: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict) -> Outcome:
    """POST ``body`` to ``url`` once; never raises for the network's sake."""
    started = time.monotonic()
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)

    def done(code=None, text="", error="", retry_after=None) -> Outcome:
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(code, text[:RESPONSE_BODY_KEPT], error[:300], elapsed, retry_after)

    try:
        target, addresses = check_url(url)
    except UnsafeUrl as exc:
        return done(error=str(exc))
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, str(addresses[0]), timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        chunks, size = [], 0
        while size < READ_AT_MOST:
            if time.monotonic() - started > 2 * timeout:
                raise TimeoutError("the answer took too long")
            chunk = response.read1(8192) if hasattr(response, "read1") else response.read(8192)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        text = b"".join(chunks).decode("utf-8", errors="replace")
        return done(response.status, text, retry_after=_retry_after(response))
    except TimeoutError:
        return done(error=f"timed out after {timeout:g} s")
    except ssl.SSLError as exc:
        return done(error=f"TLS failed: {exc.reason or exc}")
    except (OSError, http.client.HTTPException) as exc:
        return done(error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def _retry_after(response) -> int | None:
    value = (response.getheader("Retry-After") or "").strip()
    return int(value) if value.isdigit() else None
