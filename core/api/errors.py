"""One error shape for the whole API: ``{"message": str, "errors": {field: [str]}}``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError


def _as_field_map(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(field): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            if not isinstance(msgs, dict)
            else [f"{k}: {v}" for k, v in _as_field_map(msgs).items()]
            for field, msgs in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def exception_handler(exc, context):
    if isinstance(exc, (ProtectedError, RestrictedError)):
        used_by = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects})
        return Response(
            {
                "message": "This row is still used by other rows and cannot be deleted: "
                + ", ".join(str(u) for u in used_by)
                + ".",
                "errors": {},
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        return Response(
            {"message": "Invalid input.", "errors": errors}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": "Invalid input.", "errors": _as_field_map(exc.detail)}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"message": str(detail) or "Request failed.", "errors": {}}
    return response
