"""The OpenAPI schema an integrator can rely on, and what the API derives from it.

``PortalAutoSchema`` (``DEFAULT_SCHEMA_CLASS``) adds to every operation the error answers
it can give, each with the one ``Error`` body; documents a detail path's key as "the id or
the natural key" where the object has one; and records the query parameters each operation
documents, which are the only ones the API then accepts (``ApiContractMixin``).
"""

import threading

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_parameter_type, get_view_model
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from .keys import ID_OR_KEY_PATTERN, natural_key_of

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers: a sentence, and the reasons keyed by field."""

    message = serializers.CharField(help_text="What went wrong, in one sentence.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The reasons by field, query parameter or row (``non_field_errors`` for "
        "the request as a whole); empty when the error concerns no field.",
    )

    class Meta:
        ref_name = "Error"


# (status, description, when it applies: "all", "signed-in" or "writes")
ERROR_RESPONSES = (
    (
        "400",
        "Invalid input: a body field, query parameter or row refused (unknown ones "
        "included), each named in `errors` with its reasons. Nothing was stored.",
        "all",
    ),
    (
        "401",
        "No credentials, or wrong ones: send a session cookie or "
        "`Authorization: Token <key>` (see `WWW-Authenticate`).",
        "signed-in",
    ),
    ("403", "Signed in, but this role may not do this.", "signed-in"),
    (
        "404",
        "No such object, or not one the caller may see (never told apart); "
        "or a page past the last one.",
        "all",
    ),
    (
        "409",
        "The change conflicts with the current state (a row still used by others, "
        "an action the object's status does not allow).",
        "writes",
    ),
    ("429", "Too many requests: wait the `Retry-After` seconds, then send again.", "all"),
    (
        "503",
        "A service the portal needs is unavailable for a moment: send again after "
        "`Retry-After` seconds. Nothing was stored.",
        "all",
    ),
)

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before sending again (when known).",
    }
}
ERROR_HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "How to authenticate: `Token`.",
        }
    },
    "429": RETRY_AFTER,
    "503": RETRY_AFTER,
}

_documented: dict[tuple[type, str | None, str], frozenset[str]] = {}
_documented_lock = threading.Lock()
_generated = False


class PortalAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            names = frozenset(
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
            )
            if api_settings.URL_FORMAT_OVERRIDE:  # always taken (format=api for people)
                names |= {api_settings.URL_FORMAT_OVERRIDE}
            key = (type(self.view), getattr(self.view, "action", None), method.upper())
            _documented[key] = names
        return operation

    def get_filter_backends(self):
        # An action that filters like the list (``filtered_actions``) documents its filters.
        if getattr(self.view, "action", None) in getattr(self.view, "filtered_actions", ()):
            return getattr(self.view, "filter_backends", [])
        return super().get_filter_backends()

    def _get_format_parameters(self):
        # ``format=json`` (the browsable API's ``format=api`` is for people, undocumented).
        if not api_settings.URL_FORMAT_OVERRIDE:
            return []
        return [
            build_parameter_type(
                name=api_settings.URL_FORMAT_OVERRIDE,
                schema={"type": "string", "enum": ["json"]},
                location=OpenApiParameter.QUERY,
                description="The answer's format: JSON (the default).",
            )
        ]

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        model = get_view_model(self.view, emit_warnings=False)
        key = natural_key_of(self.view, model) if model is not None else None
        if key is None:
            return parameters
        lookup = getattr(self.view, "lookup_url_kwarg", None) or "pk"
        for parameter in parameters:
            if parameter["name"] in (lookup, "id"):
                parameter["schema"] = {"type": "string", "pattern": ID_OR_KEY_PATTERN}
                parameter["description"] = getattr(self.view, "natural_key_help", "") or (
                    f"The {model._meta.verbose_name}'s id (digits only) or its "
                    f"{key.rsplit('__', 1)[-1]}: either names the same object."
                )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorSerializer, direction).ref
        signed_in = self._requires_sign_in()
        for code, description, applies in ERROR_RESPONSES:
            if applies == "signed-in" and not signed_in:
                continue
            if applies == "writes" and self.method not in UNSAFE_METHODS:
                continue
            entry = responses.setdefault(code, {"description": description})
            entry.setdefault("content", {"application/json": {"schema": error}})
            if code in ERROR_HEADERS:
                entry.setdefault("headers", {}).update(ERROR_HEADERS[code])
        return responses

    def _requires_sign_in(self) -> bool:
        permissions = self.view.get_permissions()
        return any(not isinstance(p, AllowAny) for p in permissions)


def documented_query_parameters(view, method: str) -> frozenset[str] | None:
    """The query parameters the schema documents for this view's operation, or None when
    the schema does not describe it. The schema is generated once per process."""
    global _generated
    if not _generated:
        with _documented_lock:
            if not _generated:
                from drf_spectacular.generators import SchemaGenerator

                SchemaGenerator().get_schema(request=None, public=True)
                _generated = True
    method = "GET" if method == "HEAD" else method
    return _documented.get((type(view), getattr(view, "action", None), method))
