"""Reading import files: CSV with a header row (UTF-8) or a JSON list, as row dicts."""

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from typing import NamedTuple

COLUMNS = (
    "external_ref",
    "provider",
    "client",
    "service",
    "received_at",
    "completed_at",
    "status",
    "pauses",
    "defective",
)
# What the portal adds to a record (exports and the API): its elapsed times and the
# calendar they were measured on.
MEASURED_COLUMNS = ("elapsed_working_seconds", "elapsed_calendar_seconds", "calendar")
# What a record read through the API shows but no import writes.
READ_ONLY_FIELDS = ("id", "url", *MEASURED_COLUMNS, "created_at", "updated_at")
REQUIRED_COLUMNS = ("external_ref", "provider", "client", "service", "received_at")
MAX_FIELD_CHARS = 10_000
SURROGATE_RE = re.compile("[\ud800-\udfff]")


class FileError(Exception):
    """The file as a whole cannot be read (encoding, header, quoting): nothing is stored."""

    def __init__(self, line: int, column: str, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class RawRow(NamedTuple):
    """One data row: its line in the file (or its position in a JSON list) and its values."""

    line: int
    values: dict


def _decoded_lines(stream, chunk_size: int = 1 << 16) -> Iterator[str]:
    """Lines (split on "\\n" only) of a binary stream decoded as strict UTF-8; a BOM is allowed."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    pending = ""
    lines_done = 0
    while True:
        chunk = stream.read(chunk_size)
        final = not chunk
        try:
            text = decoder.decode(chunk or b"", final=final)
        except UnicodeDecodeError as exc:
            before = exc.object[: exc.start].decode("utf-8", "replace")
            raise FileError(
                lines_done + (pending + before).count("\n") + 1,
                "",
                "the file is not UTF-8 text (save it as CSV UTF-8): "
                f"byte 0x{exc.object[exc.start]:02x} cannot be read",
            ) from exc
        if "\x00" in text:
            at = lines_done + (pending + text[: text.index("\x00")]).count("\n") + 1
            raise FileError(at, "", "the file contains a NUL byte: it is not a CSV text file")
        parts = (pending + text).split("\n")
        pending = parts.pop()
        for part in parts:
            lines_done += 1
            yield part + "\n"
        if final:
            if pending:
                yield pending
            return


def read_csv(stream) -> Iterator[RawRow]:
    """Rows of a CSV file with a header row naming the DOMAIN §4 columns.

    Raises :class:`FileError` for a file that cannot be read as such (empty, not UTF-8,
    no header, unknown or missing columns, broken quoting); rows with the wrong number
    of values are yielded with a ``None`` values map and reported by the validator.
    """
    if isinstance(stream, (bytes, bytearray)):
        stream = io.BytesIO(stream)
    reader = csv.reader(_decoded_lines(stream), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
    except csv.Error as exc:
        raise FileError(reader.line_num or 1, "", f"broken CSV: {exc}") from exc
    if header is None:
        raise FileError(1, "", "the file is empty: expected a header row and records")
    names = [cell.strip().lower() for cell in header]
    _check_header(names, reader.line_num)
    last = reader.line_num  # where the previous record ended: a quoted value may span lines
    try:
        width = len(names)
        for cells in reader:
            line, last = last + 1, reader.line_num
            # (Each test starts with a cheap one that settles the usual row.)
            if not (cells and (cells[0].strip() or any(cell.strip() for cell in cells))):
                continue
            if len(cells) != width:
                yield RawRow(line, {"__width__": f"{len(cells)} values for {width} columns"})
                continue
            too_long = len("".join(cells)) > MAX_FIELD_CHARS and next(
                (n for n, c in zip(names, cells, strict=True) if len(c) > MAX_FIELD_CHARS), None
            )
            if too_long:
                yield RawRow(
                    line,
                    {
                        "__width__": f"{too_long}: longer than {MAX_FIELD_CHARS} characters",
                        "__column__": too_long,
                    },
                )
                continue
            yield RawRow(line, dict(zip(names, cells, strict=False)))  # same length: checked
    except csv.Error as exc:
        raise FileError(last + 1, "", f"broken CSV (check the quotes on this line): {exc}") from exc


def _check_header(names: list[str], line: int) -> None:
    known = set(COLUMNS)
    if len(names) == 1 and names[0].count(";") >= 2:
        raise FileError(
            line,
            "",
            "the columns are separated by semicolons: save the file as comma-separated CSV (UTF-8)",
        )
    if not known.intersection(names):
        raise FileError(
            line,
            "",
            f"no header row: the first line must name the columns ({', '.join(COLUMNS)})",
        )
    for position, name in enumerate(names, start=1):
        if not name:
            raise FileError(line, "", f"column {position} of the header has no name")
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(f"'{n[:40]}'" for n in unknown[:20])
        kind = "read-only" if set(unknown) <= set(READ_ONLY_FIELDS) else "unknown"
        plural = "s" if len(unknown) > 1 else ""
        raise FileError(line, unknown[0][:40], f"{kind} column{plural} {listed}")
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        name = sorted(duplicated)[0]
        raise FileError(line, name, f"column '{name}' appears twice")
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise FileError(line, missing[0], f"missing column '{missing[0]}'")


def read_json(items: object) -> Iterator[RawRow]:
    """Rows of a JSON list of objects using the same names as the CSV columns.

    The position in the list (from 1) plays the part of the line number.
    """
    if not isinstance(items, list):
        raise FileError(1, "", "expected a JSON list of records")
    if not items:
        raise FileError(1, "", "the list is empty: nothing to import")
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield RawRow(index, {"__width__": "each record must be a JSON object"})
            continue
        broken = [k for k, v in item.items() if _broken_text(k) or _broken_text(v)]
        if broken:
            column = "" if _broken_text(broken[0]) else str(broken[0])[:40]
            message = "not valid Unicode text (a lone surrogate escape such as \\ud800)"
            yield RawRow(index, {"__width__": message, "__column__": column})
            continue
        unknown = [str(k)[:40] for k in item if k not in COLUMNS]
        if unknown:
            yield RawRow(index, {"__unknown__": unknown[:50]})
            continue
        yield RawRow(index, dict(item))


def _broken_text(value: object) -> bool:
    """Whether a JSON value holds a lone surrogate (JSON allows "\\ud800"; no database
    stores it, so it would fail when stored or quoted in an error)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if SURROGATE_RE.search(item):
                return True
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
    return False


def read_json_file(handle) -> Iterator[RawRow]:
    """Rows of a file holding a JSON list of records (bulk uploads run in the background)."""
    try:
        items = json.load(handle)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # deep nesting too
        raise FileError(1, "", f"the body is not valid JSON: {str(exc)[:120]}") from exc
    yield from read_json(items)
