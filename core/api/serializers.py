"""Serializer building blocks every app's API uses."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers


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


class CleanModelSerializer(serializers.ModelSerializer):
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
