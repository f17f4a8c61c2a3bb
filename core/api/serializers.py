"""Serializer building blocks every app's API uses."""

import copy
import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.utils import html

# A form field's name before its list index or nested key (``lines[0]service``, ``a.b``).
HTML_FIELD_RE = re.compile(r"^[^\[.]*")
# What a browser's form adds to a form body besides the data (the browsable API's forms).
HTML_FORM_EXTRAS = frozenset({"csrfmiddlewaretoken"})
MAX_REFUSED_NAMED = 50


class CodeRelatedField(serializers.RelatedField):
    """A related object: written as its ``code``, read back as ``{id, code, display}``.

    Integrations know codes (RSCE, HR-ONB), not database ids, so they write codes;
    readers get a brief nested object with a human label.
    """

    default_error_messages = {
        "does_not_exist": "No {model} with code '{value}'.",
        "invalid": "Give the code as a string.",
    }

    def to_internal_value(self, data):
        # NUL never belongs in a code, and PostgreSQL refuses it in any text (a server error).
        if not isinstance(data, str) or not data.strip() or len(data) > 64 or "\x00" in data:
            self.fail("invalid")
        try:
            return self.get_queryset().get(code=data.strip())
        except self.get_queryset().model.DoesNotExist:
            self.fail(
                "does_not_exist",
                model=self.get_queryset().model._meta.verbose_name,
                value=data.strip()[:64],
            )

    def to_representation(self, value):
        return {"id": value.pk, "code": value.code, "display": str(value)}


class CodeRelatedFieldSchema(OpenApiSerializerFieldExtension):
    target_class = CodeRelatedField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "description": "code"}
        return {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "display": {"type": "string"},
            },
            "required": ["id", "code", "display"],
        }


class StrictInputMixin:
    """Refuse what a write would otherwise drop: a body field the serializer does not take
    (unknown) or only reads (read-only), each named in the field map with its reason.

    Every serializer that reads a request body builds on this (``InputSerializer``,
    ``CleanModelSerializer``), nested ones included (SLA lines and their targets, a
    campaign's offerings): each checks the object it is given. The refusal joins the other
    field errors of the same object and, like them, stops the write before anything is
    stored. An input serializer answered by another one names it in ``read_serializer``,
    so that the fields a read shows are refused as read-only rather than unknown.
    """

    read_serializer: type[serializers.BaseSerializer] | None = None
    # A better reason than "read-only" for some fields: where to change them instead.
    refusal_reasons: Mapping[str, str] = {}

    default_error_messages = {
        "unknown_field": "Unknown field. Accepted: {accepted}.",
        "unknown_field_none": "Unknown field: this operation takes no input.",
        "read_only_field": "Read-only field: the portal sets it; leave it out.",
        "too_many_refused": "{count} more fields that are unknown or read-only.",
    }

    def to_internal_value(self, data):
        refused = self.refused_fields(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if refused and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **refused}) from exc
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def refused_fields(self, data: Mapping) -> dict[str, list[str]]:
        """``{name: [reason]}`` for every key of ``data`` this serializer would not store."""
        writable = {name for name, field in self.fields.items() if _takes_input(field)}
        read_only = set(self.fields) - writable
        if self.read_serializer is not None:
            read_only |= set(self.read_serializer().fields) - writable
        form = html.is_html_input(data)
        refused: dict[str, list[str]] = {}
        unnamed = 0
        for key in data:
            name = self._form_field(key) if form else key
            if name in writable or (form and key in HTML_FORM_EXTRAS):
                continue
            if len(refused) >= MAX_REFUSED_NAMED:
                unnamed += 1
                continue
            if name in self.refusal_reasons:
                reason = self.refusal_reasons[name]
            elif name in read_only:
                reason = self.error_messages["read_only_field"]
            elif writable:
                accepted = ", ".join(sorted(writable))
                reason = self.error_messages["unknown_field"].format(accepted=accepted)
            else:
                reason = self.error_messages["unknown_field_none"]
            refused.setdefault(_printable_name(name), []).append(reason)
        if unnamed:
            message = self.error_messages["too_many_refused"].format(count=unnamed)
            refused["non_field_errors"] = [message]
        return refused

    def _form_field(self, key: str) -> str:
        """The field a form key is for: a nested object or list is sent as several keys
        (``lines[0]service``, ``holidays[1]``, ``means.overall``)."""
        name = HTML_FIELD_RE.match(key).group()
        if key != name and isinstance(self.fields.get(name), NESTED_FORM_FIELDS):
            return name
        return key


# The fields that read several form keys (their name followed by "[n]" or ".key").
NESTED_FORM_FIELDS = (serializers.BaseSerializer, serializers.ListField, serializers.DictField)


def _takes_input(field) -> bool:
    # A HiddenField takes its value from its default, never from the body.
    return not field.read_only and not isinstance(field, serializers.HiddenField)


def _printable_name(name: str) -> str:
    """A refused key as the error map can carry it: at most 64 characters, and no lone
    surrogate (JSON allows "\\ud800" in a key; no response can encode it)."""
    return name[:64].encode("utf-8", "replace").decode("utf-8")


class InputSerializer(StrictInputMixin, serializers.Serializer):
    """A request body that is not a model row: an action's input, an import row, a draft."""


class NoInputSerializer(InputSerializer):
    """The body of an action that takes no input: nothing, or an empty object."""


class CleanModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A ModelSerializer that also runs the model's own validation (``full_clean``).

    The rules of a model (e.g. a timeliness standard needs a clock) live on the model
    once; pages (ModelForm) and API both enforce them through ``full_clean``.
    """

    display = serializers.CharField(source="__str__", read_only=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {f.name for f in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            ) from exc
        return attrs
