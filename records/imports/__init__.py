"""Service-record ingestion: one code path for the page, the command and the API.

``parse`` reads CSV or JSON rows, ``validate`` turns each row into a staged record or
row errors (line, column, reason), ``store`` writes staged rows in bulk (COPY on
PostgreSQL) and applies them as an idempotent upsert by (provider, external_ref).
``records.services`` orchestrates them.
"""
