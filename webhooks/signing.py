"""Signing deliveries as the Standard Webhooks specification says (symmetric, ``v1``).

The secret is ``whsec_`` followed by the base64 of random bytes; the key is those bytes.
A delivery carries three headers: ``webhook-id`` (the event's id, the same on every
attempt), ``webhook-timestamp`` (the attempt's time, integer seconds since the epoch) and
``webhook-signature``: ``v1,`` and the base64 of HMAC-SHA256 over
``"{id}.{timestamp}.{body}"``. A receiver checks it with ``verify`` (see docs/webhooks.md).
"""

import base64
import binascii
import hashlib
import hmac
import secrets
import time

from .choices import SECRET_BYTES, SECRET_PREFIX

TOLERANCE_SECONDS = 5 * 60


class SignatureError(ValueError):
    """A delivery that does not verify."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_event_id() -> str:
    return "msg_" + secrets.token_hex(16)


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise SignatureError("The secret does not start with whsec_.")
    try:
        return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("The secret is not base64.") from exc


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of one attempt."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, event_id: str, body: bytes, *, timestamp: int | None = None) -> dict:
    """The headers of one attempt (its timestamp now, unless given)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, event_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: dict,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Check a delivery as a receiver would: raises ``SignatureError`` unless one of the
    ``v1`` signatures matches (compared in constant time) and the timestamp is within
    ``tolerance`` seconds of now."""
    lowered = {k.lower(): v for k, v in headers.items()}
    event_id = lowered.get("webhook-id", "")
    try:
        timestamp = int(lowered.get("webhook-timestamp", ""))
    except ValueError as exc:
        raise SignatureError("No valid webhook-timestamp.") from exc
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("The timestamp is too far from now.")
    expected = signature(secret, event_id, timestamp, body)
    for candidate in lowered.get("webhook-signature", "").split():
        if hmac.compare_digest(candidate, expected):
            return
    raise SignatureError("No signature matches.")
