"""Natural keys: an object of the API is named by its database id or by the key people use
(a provider's code ``UNON``, an SLA's number ``SLA-UNON-UNEP-2026-001``).

The rule is one and unambiguous: digits only is an id, anything else is the natural key.
Codes are never digits only (``core.models.ReferenceData`` refuses them), nor are SLA
numbers (they start with ``SLA-``).
"""

from django.core.exceptions import FieldDoesNotExist

# What a detail path's key may look like: an id, or a code or number.
ID_OR_KEY_PATTERN = r"^([0-9]{1,18}|[A-Za-z0-9][A-Za-z0-9-]{0,63})$"
MAX_ID = 2**63 - 1
NO_NATURAL_KEY = ""


def is_id(value: str) -> bool:
    """Digits only: a database id (an int the database can hold)."""
    return value.isascii() and value.isdigit() and int(value) <= MAX_ID


def natural_key_of(view, model) -> str | None:
    """The lookup of ``model``'s natural key on ``view``: the view's ``natural_key`` when it
    names one (``""`` for none), else ``code`` when the model has a code."""
    declared = getattr(view, "natural_key", None)
    if declared is not None:
        return declared or None
    try:
        model._meta.get_field("code")
    except FieldDoesNotExist:
        return None
    return "code"
