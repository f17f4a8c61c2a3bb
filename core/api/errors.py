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
        return {str(field): _messages(msgs) for field, msgs in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": _messages(detail)}
    return {}


def _messages(detail, path: str = "") -> list[str]:
    """The messages of one field, a nested item's prefixed with where it is:
    ``[1].targets[0].threshold: Ensure this value is greater than or equal to 0.``"""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            if key == "non_field_errors":
                where = path
            elif isinstance(key, int):  # a ListField item
                where = f"{path}[{key}]"
            else:
                where = f"{path}.{key}" if path else str(key)
            found.extend(_messages(value, where))
        return found
    if isinstance(detail, list):
        found = []
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):  # a nested serializer's item ({} when valid)
                found.extend(_messages(item, f"{path}[{index}]"))
            else:
                found.extend(_messages(item, path))
        return found
    return [f"{path}: {detail}" if path else str(detail)]


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
