"""Scrub, once, the copies that moving the unsealed boxes' rows (0007) left behind.

Before 0007 an open box's ciphertexts and receipts lived in the tables that are now the
sealed history, which the product never rewrites again; the moved rows' deleted copies
are removed here: ``VACUUM FULL`` of those tables on PostgreSQL, a ``VACUUM`` of the
file on SQLite (with ``secure_delete``). Outside a transaction, as VACUUM requires.
"""

from django.db import migrations

_TABLES = ("ballots_ballot", "ballots_receipt", "ballots_code")


def scrub(apps: object, schema_editor: object) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in _TABLES:
                cursor.execute(f"VACUUM FULL {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("ballots", "0008_remove_ballot_ciphertext"),
    ]

    operations = [
        migrations.RunPython(scrub, migrations.RunPython.noop),
    ]
