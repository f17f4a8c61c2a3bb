"""Make the bulk import of service records cheaper to write (docs/benchmarks.md, Ingest).

- ``sla_servicerecord``: drop the single-column indexes on ``provider_id`` and
  ``client_id``. Each is the first column of a composite index, (provider, service,
  completed_month) and the unique (provider, external_ref), and (client, completed_month),
  which serve the same lookups; every imported row paid for two more index entries.
  The foreign keys themselves stay, with their database constraints. Only the state of
  the fields changes (``db_index=False``); in the database the two indexes are dropped
  by name, as a plain ``AlterField`` would also drop and re-add (so re-check over the
  whole table) the foreign key constraints on PostgreSQL.
- ``sla_recordstagingrow`` is a scratch table: valid rows wait there until their import is
  confirmed, and are deleted when it is applied or rejected.
  * No database foreign key to ``sla_recordimport``: it was checked for every staged row.
    The ORM keeps ``on_delete=CASCADE`` (Django's deletion collector deletes the staged
    rows of a deleted import itself), and staged rows are only ever written by the import
    for an import that exists.
  * No single-column index on ``record_import_id``: the composite index (record_import,
    provider_id, external_ref) starts with it.
  * UNLOGGED on PostgreSQL: writes skip the write-ahead log. The price: after a crash of
    the database server the table is emptied (and it is not copied to replicas). An
    import validated before such a crash then has no staged rows, and applying it fails
    with a message asking for the file again instead of storing nothing silently
    (``sla.services.record_import_apply``). Other databases have no such table kind: the
    step does nothing there.
"""

import django.db.models.deletion
from django.db import migrations, models

STAGING = "sla_recordstagingrow"


# (table, column) of the single-column indexes that the composite indexes make redundant.
REDUNDANT_INDEXES = (("sla_servicerecord", "provider_id"), ("sla_servicerecord", "client_id"))


def _single_column_indexes(schema_editor, table: str, column: str) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] == [column]
    ]


def drop_redundant_indexes(apps, schema_editor):
    for table, column in REDUNDANT_INDEXES:
        for name in _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_redundant_indexes(apps, schema_editor):
    model = apps.get_model("sla", "ServiceRecord")
    for table, column in REDUNDANT_INDEXES:
        if not _single_column_indexes(schema_editor, table, column):
            field = next(f for f in model._meta.fields if f.column == column)
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


def set_unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {STAGING} SET UNLOGGED")


def set_logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {STAGING} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        ("providers", "0001_initial"),
        ("sla", "0003_compliance"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recordstagingrow",
            name="record_import",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="sla.recordimport",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="servicerecord",
                    name="client",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="records",
                        to="clients.cliententity",
                    ),
                ),
                migrations.AlterField(
                    model_name="servicerecord",
                    name="provider",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="records",
                        to="providers.serviceprovider",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(
                    drop_redundant_indexes, restore_redundant_indexes, elidable=False
                ),
            ],
        ),
        migrations.RunPython(set_unlogged, set_logged, elidable=False),
    ]
