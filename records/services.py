"""Writes about service records: importing (one code path for page, command and API),
deleting, and recomputing elapsed values when a calendar changes."""

import datetime as dt
import time
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import user_scope
from core.audit import audit_action
from core.choices import AuditChannel
from core.models import DutyStation
from providers.models import ServiceProvider

from .choices import ImportStatus, RecordStatus
from .imports.designations import UndesignatedRows
from .imports.parse import FileError, RawRow, read_csv
from .imports.store import (
    RefTracker,
    StagingWriter,
    apply_staged,
    clear_staging,
    drop_lines,
    duplicate_refs,
    staged_provider_ids,
)
from .imports.validate import CONTROL_RE, ImportContext, RowError, validate_row
from .measuring import measure_record
from .models import (
    PendingCompliance,
    PendingRemeasure,
    RecordImport,
    RecordImportError,
    RecordStagingRow,
    ServiceRecord,
)
from .selectors import current_month_anywhere, months_since
from .signals import import_finished, import_step_finished

MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 5000


def importable_provider_ids(user) -> frozenset[int] | None:
    """Providers ``user`` may import records for (``UserScope.importable_provider_ids``);
    ``None`` means every provider, as for the command (no user). Refuses those who may
    not import at all."""
    if user is None:
        return None
    scope = user_scope(user)
    if not scope.authenticated:
        raise PermissionDenied("Sign in to import records.")
    if not scope.may_import:
        raise PermissionDenied("Only provider staff, managers and integrations import records.")
    return scope.importable_provider_ids


def record_import_create(
    *,
    user,
    filename: str = "",
    source=None,
    keep_good_rows: bool = False,
    apply_when_valid: bool = False,
) -> RecordImport:
    """A new import, checked for permission; its rows are read by ``record_import_validate``."""
    allowed = importable_provider_ids(user)
    provider = None
    if allowed is not None and len(allowed) == 1:
        provider = ServiceProvider.objects.get(pk=next(iter(allowed)))
    record_import = RecordImport(
        created_by=user,
        provider=provider,
        filename=filename[:255],
        keep_good_rows=keep_good_rows,
        apply_when_valid=apply_when_valid,
    )
    if source is not None:
        record_import.source.save(filename or "records.csv", source, save=False)
    record_import.save()
    return record_import


def record_import_validate(
    *, record_import: RecordImport, rows: Iterable[RawRow] | None = None
) -> RecordImport:
    """Read, check and measure every row; stage the valid ones and report the others.

    Nothing reaches the records here. Safe to run again: staged rows and errors of an
    earlier attempt are cleared first.
    """
    started = time.monotonic()
    import_id = record_import.pk
    clear_staging(import_id)
    RecordImportError.objects.filter(record_import_id=import_id).delete()
    context = ImportContext(allowed_provider_ids=importable_provider_ids(record_import.created_by))
    writer = StagingWriter(import_id)
    undesignated = UndesignatedRows(context)
    refs = RefTracker()
    errors: list[RowError] = []
    error_lines: set[int] = set()
    bad_refs: dict[tuple[str, str], int] = {}
    error_count = total = 0
    handle = None
    try:
        if rows is None:
            handle = record_import.source.open("rb")
            rows = read_csv(handle)
        add = writer.add
        for raw in rows:
            total += 1
            result = validate_row(raw, context)
            if result.__class__ is list:
                error_count += len(result)
                error_lines.add(raw.line)
                errors.extend(result[: max(0, MAX_STORED_ERRORS - len(errors))])
                _remember_ref(bad_refs, raw)
            else:
                add(result)  # on PostgreSQL, streamed to the server while the loop goes on
                refs.add(result.provider_id, result.external_ref)
                undesignated.check(result)
            if total % PROGRESS_EVERY == 0:
                writer.flush()  # the connection is needed for the progress
                RecordImport.objects.filter(pk=import_id).update(rows_processed=total)
        writer.flush()
    except FileError as exc:
        writer.discard()
        clear_staging(import_id)
        RecordImportError.objects.create(
            record_import_id=import_id, line=exc.line, column=exc.column, message=exc.message
        )
        return _finish(
            record_import,
            status=ImportStatus.REJECTED,
            rows_total=total,
            rows_processed=total,
            rows_valid=0,
            error_count=error_count + 1,
            undesignated_count=0,
            undesignated_sample=[],
            message=f"The file cannot be imported: line {exc.line}: {exc.message}. "
            "Nothing was stored.",
        )
    except BaseException as exc:
        writer.abort(exc)
        raise
    finally:
        if handle is not None:
            handle.close()

    duplicates = (duplicate_refs(import_id) if refs.may_repeat else []) + _repeats_of_bad_rows(
        import_id, bad_refs, context
    )
    for line, ref, first_line in duplicates:
        error_count += 1
        error_lines.add(line)
        if len(errors) < MAX_STORED_ERRORS:
            errors.append(
                RowError(line, "external_ref", f"'{ref[:40]}' is already on line {first_line}")
            )
    drop_lines(import_id, [line for line, _, _ in duplicates])
    errors.sort(key=lambda e: e.line)
    RecordImportError.objects.bulk_create(
        RecordImportError(
            record_import_id=import_id, line=e.line, column=e.column, message=e.message[:500]
        )
        for e in errors
    )
    rows_valid = total - len(error_lines)
    if total == 0:
        RecordImportError.objects.create(
            record_import_id=import_id, line=2, column="", message="no records after the header"
        )
        message = "The file has a header but no records. Nothing was stored."
    elif error_count:
        message = (
            f"{len(error_lines)} of {_n(total, 'row')} "
            f"{'has' if len(error_lines) == 1 else 'have'} errors. Nothing is stored unless "
            "you import the good rows only."
        )
    else:
        message = f"All {_n(total, 'row')} {'is' if total == 1 else 'are'} valid."
    record_import = _finish(
        record_import,
        status=ImportStatus.VALIDATED if total else ImportStatus.REJECTED,
        rows_total=total,
        rows_processed=total,
        rows_valid=rows_valid,
        error_count=error_count,
        message=message,
        undesignated_count=undesignated.count,
        undesignated_sample=undesignated.sample,
        finished=False,
    )
    import_step_finished.send(
        sender=RecordImport,
        record_import=record_import,
        step="validate",
        rows=total,
        seconds=time.monotonic() - started,
    )
    if record_import.apply_when_valid and total:
        record_import = record_import_confirm(
            record_import=record_import, keep_good_rows=record_import.keep_good_rows
        )
        record_import = record_import_apply(record_import=record_import)
    return record_import


MAX_REMEMBERED_BAD_REFS = 200_000


def _remember_ref(bad_refs: dict, raw: RawRow) -> None:
    """Note the (provider, ref) of a rejected row: a later row repeating it is a duplicate
    too, even though the first one was not staged."""
    values = raw.values
    key = (str(values.get("provider") or "").strip(), str(values.get("external_ref") or "").strip())
    if not all(key) or key in bad_refs or len(bad_refs) >= MAX_REMEMBERED_BAD_REFS:
        return
    # A ref no valid row can carry (control characters, invalid Unicode) cannot repeat.
    if len(key[1]) > 100 or CONTROL_RE.search(key[1]) or not _is_text(key[1]):
        return
    bad_refs[key] = raw.line


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _repeats_of_bad_rows(import_id: int, bad_refs: dict, context) -> list[tuple[int, str, int]]:
    """Staged rows repeating the reference of an earlier rejected row."""
    if not bad_refs:
        return []
    refs = sorted({ref for _, ref in bad_refs})
    repeats = []
    for start in range(0, len(refs), 5000):
        staged = RecordStagingRow.objects.filter(
            record_import_id=import_id, external_ref__in=refs[start : start + 5000]
        ).values_list("line", "provider_id", "external_ref")
        for line, provider_id, ref in staged:
            first = bad_refs.get((context.provider_codes.get(provider_id, ""), ref))
            if first is not None and first < line:
                repeats.append((line, ref, first))
    return sorted(repeats)


def record_import_confirm(*, record_import: RecordImport, keep_good_rows: bool) -> RecordImport:
    """Accept a validated import for storing (``record_import_apply`` does the work)."""
    if record_import.status != ImportStatus.VALIDATED:
        return record_import
    if record_import.rows_valid == 0:
        clear_staging(record_import.pk)
        return _finish(
            record_import,
            status=ImportStatus.REJECTED,
            message=f"{record_import.message.split('.')[0]}. No row is valid. Nothing was stored.",
        )
    if record_import.error_count and not keep_good_rows:
        clear_staging(record_import.pk)
        return _finish(
            record_import,
            status=ImportStatus.REJECTED,
            message=f"{record_import.message.split('.')[0]}. Nothing was stored.",
        )
    RecordImport.objects.filter(pk=record_import.pk).update(
        status=ImportStatus.IMPORTING, keep_good_rows=keep_good_rows
    )
    record_import.refresh_from_db()
    return record_import


def record_import_apply(*, record_import: RecordImport) -> RecordImport:
    """Store the staged rows of a confirmed import, all at once (upsert by provider and ref).

    Imports of the same providers are serialised by a row lock on those providers, so two
    concurrent uploads never race on the same references. Running it again is harmless.
    """
    started = time.monotonic()
    applied, stored = _apply_staged(record_import)
    if stored:
        import_step_finished.send(
            sender=RecordImport,
            record_import=applied,
            step="apply",
            rows=applied.created + applied.updated + applied.unchanged,
            seconds=time.monotonic() - started,
        )
    return applied


def _apply_staged(record_import: RecordImport) -> tuple[RecordImport, bool]:
    """The import after applying it, and whether this call stored its rows."""
    with transaction.atomic():
        locked = RecordImport.objects.select_for_update().get(pk=record_import.pk)
        if locked.status != ImportStatus.IMPORTING:
            return locked, False
        provider_ids = staged_provider_ids(locked.pk)
        if not provider_ids:
            # A confirmed import always has valid rows staged, unless the database server
            # crashed since it was validated: the staging table is UNLOGGED (records 0001).
            failed = _finish(
                locked,
                status=ImportStatus.FAILED,
                message="The validated rows were lost (the database restarted since the "
                "file was checked). Nothing was stored: upload the file again.",
            )
            return failed, False
        # Lock the providers so concurrent imports of the same references run one by one.
        list(ServiceProvider.objects.select_for_update().filter(pk__in=provider_ids).order_by("pk"))
        counts = apply_staged(locked.pk)
        mark_open_since(counts.open_since)
        skipped = locked.rows_total - locked.rows_valid
        message = (
            f"{_n(counts.created, 'record')} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged"
            + (f"; {_n(skipped, 'row')} with errors left out." if skipped else ".")
        )
        done = _finish(
            locked,
            status=ImportStatus.DONE,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            message=message,
        )
        # The rows are stored in bulk (no per-row signal): one audit entry, by the uploader.
        audit_action(
            action="records.imported",
            target=done,
            actor=done.created_by,
            channel=AuditChannel.IMPORT,
            run_id=f"import-{done.pk}",
            changes={
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "providers": sorted(provider_ids),
            },
        )
        return done, True


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


BROKER_DOWN_UPLOAD = (
    "The background service could not be reached, so the file was not checked. "
    "Nothing was stored: upload it again in a few minutes."
)


def record_import_not_started(*, record_import_id: int) -> RecordImport:
    """The next step of an import could not be sent to the workers (broker unreachable):
    say so instead of leaving the import waiting for ever. An upload not yet checked fails
    (nothing is stored; its file is kept only with the import); a confirmed import goes
    back to waiting for confirmation, its rows still staged, so confirming again resumes."""
    record_import = RecordImport.objects.get(pk=record_import_id)
    if record_import.status == ImportStatus.VALIDATING:
        clear_staging(record_import.pk)
        return _finish(record_import, status=ImportStatus.FAILED, message=BROKER_DOWN_UPLOAD)
    if record_import.status == ImportStatus.IMPORTING:
        return _finish(record_import, finished=False, status=ImportStatus.VALIDATED)
    return record_import


ENDED = frozenset({ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED})


def _finish(record_import: RecordImport, *, finished: bool = True, **fields) -> RecordImport:
    if finished:
        fields["finished_at"] = timezone.now()
    RecordImport.objects.filter(pk=record_import.pk).update(**fields)
    record_import.refresh_from_db()
    if fields.get("status") in ENDED:
        ended = record_import
        transaction.on_commit(
            lambda: import_finished.send(sender=RecordImport, record_import=ended)
        )
    return record_import


def records_import(
    *,
    rows: Iterable[RawRow] | None = None,
    user=None,
    keep_good_rows: bool = False,
    filename: str = "",
    source=None,
) -> RecordImport:
    """Validate and store in one go (the command and small API calls)."""
    record_import = record_import_create(
        user=user,
        filename=filename,
        source=source,
        keep_good_rows=keep_good_rows,
        apply_when_valid=True,
    )
    return record_import_validate(record_import=record_import, rows=rows)


def record_delete(*, record: ServiceRecord) -> None:
    """Delete a record and mark its month for the compliance engine."""
    with transaction.atomic():
        if record.status == RecordStatus.OPEN:
            mark_open_since({record.provider_id: record.received_at})
        elif record.completed_month:
            mark_pending([(record.provider_id, record.completed_month)])
        record.delete()


def records_recompute_calendar(*, duty_station_id: int, batch_size: int = 2000) -> int:
    """Measure again every record governed by a duty station's calendar (after its hours,
    zone or holidays changed) and mark the affected months for the compliance engine.

    Works in batches by id, each in its own transaction; a rerun finds nothing left to
    change, so the task is safe to retry. Returns the number of records changed.
    """
    # The mark this run answers for (a newer one, made while it runs, stays).
    seen = (
        PendingRemeasure.objects.filter(duty_station_id=duty_station_id)
        .values_list("marked_at", flat=True)
        .first()
    )
    station = DutyStation.objects.prefetch_related("holidays").filter(pk=duty_station_id).first()
    if station is None:
        return 0
    calendar = station.work_calendar()
    governed = ServiceRecord.objects.filter(
        Q(provider__duty_station_id=station.pk) | Q(calendar_id=station.pk)
    )
    fields = ["elapsed_working_seconds", "elapsed_calendar_seconds", "completed_month", "calendar"]
    changed_total, last_id = 0, 0
    while True:
        batch = list(
            governed.filter(pk__gt=last_id)
            .order_by("pk")
            .only("pk", "provider_id", "received_at", "completed_at", "pauses", *fields)[
                :batch_size
            ]
        )
        if not batch:
            if changed_total:  # stored in bulk (no per-row signal): one audit entry
                audit_action(
                    action="records.remeasured", target=station, changes={"records": changed_total}
                )
            if seen is not None:
                PendingRemeasure.objects.filter(
                    duty_station_id=station.pk, marked_at__lte=seen
                ).delete()
            return changed_total
        last_id = batch[-1].pk
        changed, months, open_since = [], set(), {}
        for record in batch:
            old = (
                record.elapsed_working_seconds,
                record.elapsed_calendar_seconds,
                record.completed_month,
                record.calendar_id,
            )
            measure = measure_record(
                calendar, record.received_at, record.completed_at, record.pause_intervals()
            )
            new = (*measure[:3], station.pk)
            if record.status == RecordStatus.OPEN:
                earliest(open_since, record.provider_id, record.received_at)
            if new != old:
                months.add((record.provider_id, old[2]))
                months.add((record.provider_id, new[2]))
                (
                    record.elapsed_working_seconds,
                    record.elapsed_calendar_seconds,
                    record.completed_month,
                    record.calendar_id,
                ) = new
                changed.append(record)
        with transaction.atomic():
            ServiceRecord.objects.bulk_update(changed, fields)
            mark_pending(months)
            mark_open_since(open_since)
        changed_total += len(changed)


def mark_remeasure(duty_station_ids: Iterable[int]) -> None:
    """Mark duty stations whose records must be measured again (idempotent; the mark's
    time moves on with each change)."""
    now = timezone.now()
    PendingRemeasure.objects.bulk_create(
        [
            PendingRemeasure(duty_station_id=pk, marked_at=now)
            for pk in sorted(set(duty_station_ids))
        ],
        update_conflicts=True,
        unique_fields=["duty_station"],
        update_fields=["marked_at"],
    )


def mark_pending(months: Iterable[tuple[int, dt.date | None]]) -> None:
    """Mark (provider id, month) pairs for the compliance engine (idempotent). A month that
    has not begun yet is left out: nothing can have happened in it, and the scheduled run
    computes each month once it is the current one (an SLA approved for a year ahead
    marks only the months up to now)."""
    now = timezone.now()
    latest = current_month_anywhere(now)
    rows = [
        PendingCompliance(provider_id=provider_id, month=month, marked_at=now)
        for provider_id, month in set(months)
        if month is not None and month <= latest
    ]
    PendingCompliance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["provider", "month"],
        update_fields=["marked_at"],
    )


def mark_open_since(open_since: dict[int, dt.datetime]) -> None:
    """Mark the months in which open records received since the given instant (per
    provider) may count as overdue: from that month to the current one (an open record's
    overdue count falls in the month of its deadline, DOMAIN §5)."""
    mark_pending(months_since(open_since))


def earliest(open_since: dict[int, dt.datetime], provider_id: int, instant) -> None:
    """Keep, per provider, the earliest of the instants given (for ``mark_open_since``)."""
    if instant is not None and (provider_id not in open_since or instant < open_since[provider_id]):
        open_since[provider_id] = instant
