"""The engine's SQL alike on SQLite and PostgreSQL: small constant tables, instants
passed in each database's form, dates that SQLite returns as text, and instants read fast
on PostgreSQL."""

import datetime as dt

from django.db import connection


def _constant_table(name: str, columns: list[str], types: list[str], rows: list[tuple]):
    """A small constant table for one statement, as (CTE text, params). On PostgreSQL it
    is an unnest of typed arrays, so the statement's text is the same whatever the number
    of rows (parsed once, not once per size); elsewhere a VALUES list."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        params = [list(column) for column in zip(*rows, strict=True)] if rows else []
        return f"{name} ({names}) AS (SELECT * FROM unnest({arrays}))", params or [  # noqa: S608
            [] for _ in columns
        ]
    if not rows:
        return f"{name} ({names}) AS (SELECT {', '.join(['NULL'] * len(columns))} WHERE 0)", []
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    values = [_sqlite_value(v) for r in rows for v in r]
    return f"{name} ({names}) AS (VALUES {', '.join([row] * len(rows))})", values


def _sqlite_value(value):
    # SQLite stores instants as naive UTC text; compare with the same form.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _rows_with_instants(queryset) -> list[tuple]:
    """The rows of a ``values_list`` query of plain columns. On PostgreSQL they are read
    with psycopg's own (compiled) timestamptz loader: Django's, which only stamps the
    connection's time zone (UTC) on each value, runs in Python, about ten times slower
    per value, and a full recompute reads tens of thousands of them."""
    if connection.vendor != "postgresql":
        return list(queryset)
    from psycopg.types.datetime import TimestamptzLoader

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        return cursor.fetchall()
