"""Check the open-box tables' foreign keys at each statement, not at commit (PostgreSQL).

A ballot's transaction on PostgreSQL is a pipeline whose implicit transaction commits at
its Sync. A constraint checked at commit fails there, outside any statement, and psycopg
then cannot leave pipeline mode: the error is lost and the connection is stuck. Checked at
the statement, a violation fails that statement like any other error. Django creates every
foreign key ``DEFERRABLE INITIALLY DEFERRED`` and offers no option for it, so this
migration alters the constraints Django made; ``test_concurrency`` holds them immediate.
"""

from django.db import migrations

TABLES = ("ballots_pendingballot", "ballots_pendingreceipt")


def _alter(schema_editor, deferrable: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [list(TABLES)],
        )
        for table, name in cursor.fetchall():
            schema_editor.execute(
                f"ALTER TABLE {schema_editor.quote_name(table)} "
                f"ALTER CONSTRAINT {schema_editor.quote_name(name)} {deferrable}"
            )


def immediate(apps, schema_editor) -> None:
    _alter(schema_editor, "NOT DEFERRABLE")


def deferred(apps, schema_editor) -> None:
    _alter(schema_editor, "DEFERRABLE INITIALLY DEFERRED")


class Migration(migrations.Migration):
    dependencies = [("ballots", "0010_lean_voting_indexes")]

    operations = [migrations.RunPython(immediate, deferred)]
