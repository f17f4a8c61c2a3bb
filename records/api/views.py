import json

from django.conf import settings
from django.core.files.base import ContentFile
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.response import Response

from accounts.permissions import ReadForMembers
from accounts.selectors import user_scope
from core.api.viewsets import PortalGenericViewSet, PortalReadOnlyModelViewSet
from core.exceptions import ApplicationError, ServiceUnavailable

from ..choices import ImportStatus
from ..filtersets import RecordImportFilterSet, ServiceRecordFilterSet
from ..imports.parse import FileError, RawRow, read_csv, read_json
from ..models import RecordImport, ServiceRecord
from ..selectors import record_import_queryset, record_queryset
from ..services import (
    BROKER_DOWN_UPLOAD,
    record_delete,
    record_import_create,
    records_import,
)
from ..signals import records_changed
from ..tasks import start_import_step, validate_record_import
from .serializers import (
    RecordImportListSerializer,
    RecordImportSerializer,
    ServiceRecordSerializer,
    ServiceRecordWriteSerializer,
)


class CsvBodyParser(BaseParser):
    """A CSV request body, handed over as bytes to the import pipeline."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


class RecordPermission(ReadForMembers):
    """Everyone signed in reads (scoped); those who may import records write."""

    message = "Only provider staff, managers, integrations and catalogue managers write records."

    def may_write(self, scope) -> bool:
        return scope.may_import


def _too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.RECORD_IMPORT_MAX_BYTES


def _failure(record_import: RecordImport, *, by_column: bool = False) -> Response:
    errors: dict[str, list[str]] = {}
    for error in record_import.errors.all()[:1000]:
        key = error.column or "non_field_errors"
        if not by_column:
            key = f"{error.line}.{error.column}" if error.column else str(error.line)
        errors.setdefault(key, []).append(error.message)
    return Response(
        {"message": record_import.message, "errors": errors, "import": record_import.pk},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _one_row(data) -> list[RawRow]:
    if not isinstance(data, dict):
        raise ApplicationError("Send one record as a JSON object.")
    return list(read_json([data]))


@extend_schema(tags=["service records"])
class ServiceRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    PortalGenericViewSet,
):
    """Service records: one delivery of a catalogue service each. Writes go through the
    import pipeline: the same checks, measurement and upsert by (provider, external_ref)
    as the CSV page and the command."""

    queryset = ServiceRecord.objects.none()
    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilterSet
    permission_classes = [RecordPermission]
    parser_classes = [JSONParser]

    def get_queryset(self):
        return record_queryset(user=self.request.user)

    def _store(self, rows: list[RawRow]) -> tuple[RecordImport, ServiceRecord | None]:
        result = records_import(rows=rows, user=self.request.user, filename="api")
        if result.status != ImportStatus.DONE:
            return result, None
        records_changed.send(sender=ServiceRecord)
        values = rows[0].values
        record = (
            self.get_queryset()
            .filter(provider__code=str(values["provider"]).strip())
            .get(external_ref=str(values["external_ref"]).strip())
        )
        return result, record

    @extend_schema(
        request=ServiceRecordWriteSerializer,
        responses={201: ServiceRecordSerializer, 200: ServiceRecordSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Create a record, or update the one with the same provider and external_ref."""
        result, record = self._store(_one_row(request.data))
        if record is None:
            return _failure(result, by_column=True)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(self.get_serializer(record).data, status=code)

    @extend_schema(request=ServiceRecordWriteSerializer, responses=ServiceRecordSerializer)
    def update(self, request, *args, **kwargs):
        record = self.get_object()
        data = request.data
        if not isinstance(data, dict):
            raise ApplicationError("Send the record as a JSON object.")
        values = _current_values(record) if kwargs.get("partial") else {}
        values.update(data)
        for key, current in (
            ("provider", record.provider.code),
            ("external_ref", record.external_ref),
        ):
            if key in data and str(data[key]).strip() != current:
                raise ApplicationError(
                    f"{key} identifies the record and cannot change; delete and create instead.",
                    {key: ["cannot change"]},
                )
            values[key] = current
        result, stored = self._store(_one_row(values))
        if stored is None:
            return _failure(result, by_column=True)
        return Response(self.get_serializer(stored).data)

    @extend_schema(request=ServiceRecordWriteSerializer, responses=ServiceRecordSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance):
        if not user_scope(self.request.user).may_import_for(instance.provider_id):
            raise PermissionDenied("You may delete only your own provider's records.")
        record_delete(record=instance)
        records_changed.send(sender=ServiceRecord)

    @extend_schema(
        request={
            "application/json": ServiceRecordWriteSerializer(many=True),
            "text/csv": OpenApiTypes.STR,
        },
        parameters=[
            OpenApiParameter(
                "keep_good_rows",
                bool,
                description="Store the valid rows even when others have errors.",
            )
        ],
        responses={
            200: RecordImportSerializer,
            202: RecordImportSerializer,
            400: OpenApiResponse(description="Row errors keyed 'line.column'; nothing stored."),
        },
    )
    @action(detail=False, methods=["post"], parser_classes=[JSONParser, CsvBodyParser])
    def bulk(self, request):
        """Import many records at once: a JSON list or a CSV body (columns external_ref,
        provider, client, service, received_at, completed_at, status, pauses, defective).

        Up to ``RECORD_IMPORT_SYNC_ROWS`` rows are answered at once (200, or 400 with every
        row error and nothing stored); larger uploads answer 202 with the import to follow
        at ``/api/v1/record-imports/{id}/``.
        """
        if _too_big(request):
            return Response(
                {
                    "message": "The upload is larger than "
                    f"{settings.RECORD_IMPORT_MAX_BYTES // (1024 * 1024)} MB; split it.",
                    "errors": {},
                },
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        keep = str(request.query_params.get("keep_good_rows", "")).lower() in ("1", "true", "yes")
        body = request.data
        is_csv = isinstance(body, bytes)
        rows_estimate = (
            body.count(b"\n") if is_csv else (len(body) if isinstance(body, list) else 0)
        )
        if rows_estimate > settings.RECORD_IMPORT_SYNC_ROWS:
            content = body if is_csv else json.dumps(body).encode()
            filename = "bulk.csv" if is_csv else "bulk.json"
            record_import = record_import_create(
                user=request.user,
                filename=filename,
                source=ContentFile(content),
                keep_good_rows=keep,
                apply_when_valid=True,
            )
            if not start_import_step(validate_record_import, record_import.pk):
                raise ServiceUnavailable(BROKER_DOWN_UPLOAD)
            record_import.refresh_from_db()
            return Response(
                RecordImportSerializer(record_import, context={"request": request}).data,
                status=status.HTTP_202_ACCEPTED,
            )
        try:
            rows = list(read_csv(body)) if is_csv else list(read_json(body))
        except FileError as exc:
            raise ApplicationError(
                f"line {exc.line}: {exc.message}. Nothing was stored.",
                {f"{exc.line}.{exc.column}" if exc.column else str(exc.line): [exc.message]},
            ) from exc
        result = records_import(rows=rows, user=request.user, keep_good_rows=keep, filename="api")
        if result.status != ImportStatus.DONE:
            return _failure(result)
        records_changed.send(sender=ServiceRecord)
        return Response(RecordImportSerializer(result, context={"request": request}).data)


def _current_values(record: ServiceRecord) -> dict:
    return {
        "external_ref": record.external_ref,
        "provider": record.provider.code,
        "client": record.client.code,
        "service": record.service.code,
        "received_at": record.received_at.isoformat(),
        "completed_at": record.completed_at.isoformat() if record.completed_at else "",
        "status": record.status,
        "pauses": record.pauses,
        "defective": record.defective,
    }


@extend_schema(tags=["service records"])
class RecordImportViewSet(PortalReadOnlyModelViewSet):
    """Imports of service records: progress, outcome and row errors."""

    queryset = RecordImport.objects.none()
    serializer_class = RecordImportSerializer
    filterset_class = RecordImportFilterSet

    def get_queryset(self):
        return record_import_queryset(user=self.request.user)

    def get_serializer_class(self):
        return RecordImportListSerializer if self.action == "list" else RecordImportSerializer
