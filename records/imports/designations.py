"""The import report's designation warning (DOMAIN §9): valid rows whose provider was not
designated for their client and service on their received date (in the provider's time
zone). They are imported all the same (the record happened); the report counts them and
shows a few, so that the missing designation can be requested or the data corrected."""

from catalogue.selectors import DesignationIndex

from .validate import ImportContext, StagedRecord

SAMPLE_SIZE = 5


class UndesignatedRows:
    """Counts the staged rows without a designation, keeping the first ``SAMPLE_SIZE``."""

    def __init__(self, context: ImportContext):
        self.context = context
        self.index = DesignationIndex()
        self.count = 0
        self.sample: list[dict] = []
        self._client_codes: dict[int, str] | None = None
        self._service_codes: dict[int, str] | None = None

    def check(self, record: StagedRecord) -> None:
        provider = self.context.provider_by_id(record.provider_id)
        day = record.received_at.astimezone(provider.zone).date()
        designated = self.index.provider_id(
            client_id=record.client_id, service_id=record.service_id, on=day
        )
        if designated == record.provider_id:
            return
        self.count += 1
        if len(self.sample) < SAMPLE_SIZE:
            self.sample.append(
                {
                    "line": record.line,
                    "external_ref": record.external_ref,
                    "provider": provider.code,
                    "client": self._client(record.client_id),
                    "service": self._service(record.service_id),
                    "received_on": day.isoformat(),
                    "designated": self.context.provider_codes.get(designated, ""),
                }
            )

    def _client(self, pk: int) -> str:
        if self._client_codes is None:
            self._client_codes = {v: k for k, v in self.context.clients.items()}
        return self._client_codes.get(pk, "")

    def _service(self, pk: int) -> str:
        if self._service_codes is None:
            self._service_codes = {v: k for k, v in self.context.services.items()}
        return self._service_codes.get(pk, "")
