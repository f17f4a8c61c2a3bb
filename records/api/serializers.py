from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import CodeRelatedField, InputSerializer

from ..imports.parse import COLUMNS, MEASURED_COLUMNS
from ..models import RecordImport, RecordImportError, ServiceRecord


class PauseSerializer(InputSerializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class CalendarBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    timezone = serializers.CharField()


class ServiceRecordSerializer(serializers.ModelSerializer):
    """One delivery of a catalogue service by a provider to a client entity, with the
    working and calendar seconds it took (null while open) and the calendar it was measured on.

    Writes go through the import pipeline (``records.services``), so this serializer only
    reads; ``ServiceRecordWriteSerializer`` documents what a write accepts.
    """

    url = serializers.HyperlinkedIdentityField(view_name="records-api:servicerecord-detail")
    provider = CodeRelatedField(read_only=True)
    client = CodeRelatedField(read_only=True)
    service = CodeRelatedField(read_only=True)
    pauses = PauseSerializer(many=True, read_only=True)
    calendar = CalendarBriefSerializer(read_only=True)

    class Meta:
        model = ServiceRecord
        fields = ["id", "url", *COLUMNS, *MEASURED_COLUMNS, "created_at", "updated_at"]
        read_only_fields = fields


class ServiceRecordWriteSerializer(InputSerializer):
    """What a create or update accepts: codes, and instants as ISO 8601 text (with an offset
    absolute, without one the provider's local time). The same ``external_ref`` for the same
    provider again updates that record."""

    external_ref = serializers.CharField(max_length=100)
    provider = serializers.CharField()
    client = serializers.CharField()
    service = serializers.CharField()
    received_at = serializers.CharField(help_text="ISO 8601; without an offset: provider local")
    completed_at = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    status = serializers.ChoiceField(
        choices=["open", "completed", "cancelled"], required=False, allow_blank=True
    )
    pauses = PauseSerializer(many=True, required=False)
    defective = serializers.BooleanField(required=False)


class RecordImportErrorSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordImportError
        fields = ["line", "column", "message"]


class RecordImportListSerializer(serializers.ModelSerializer):
    """An import in a list: its progress and outcome (the row errors are on the detail)."""

    url = serializers.HyperlinkedIdentityField(view_name="records-api:recordimport-detail")
    provider = CodeRelatedField(read_only=True)

    class Meta:
        model = RecordImport
        fields = [
            "id",
            "url",
            "filename",
            "provider",
            "status",
            "rows_total",
            "rows_valid",
            "rows_processed",
            "error_count",
            "created",
            "updated",
            "unchanged",
            "message",
            "undesignated_count",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class RecordImportSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="records-api:recordimport-detail")
    provider = CodeRelatedField(read_only=True)
    errors = serializers.SerializerMethodField()

    class Meta:
        model = RecordImport
        fields = [
            "id",
            "url",
            "filename",
            "provider",
            "status",
            "keep_good_rows",
            "rows_total",
            "rows_valid",
            "rows_processed",
            "error_count",
            "created",
            "updated",
            "unchanged",
            "message",
            "errors",
            "undesignated_count",
            "undesignated_sample",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    undesignated_count = serializers.IntegerField(
        read_only=True,
        help_text="Warning, not an error: valid rows whose provider was not designated for "
        "their client and service on their received date (imported all the same).",
    )
    undesignated_sample = serializers.JSONField(
        read_only=True,
        help_text="The first of those rows: line, external_ref, provider, client, service, "
        "received_on and the provider designated then ('' for none).",
    )

    @extend_schema_field(RecordImportErrorSerializer(many=True))
    def get_errors(self, obj) -> list[dict]:
        """The first row errors (line, column, message); ``error_count`` gives the total."""
        return RecordImportErrorSerializer(obj.errors.all()[:200], many=True).data
