"""Compact sheets: each box records its sheet layout; open-box rows stay in the table's page.

- ``BoxKey.sheet_format``: boxes already open keep the JSON layout (1) to the end, so
  every ciphertext of a box keeps one length; boxes opened from now on use the compact
  layout (2, :mod:`phieukin.ballots.boxkeys`), half the size.
- PostgreSQL moves a row's long values out of line (TOAST: a second table and its index,
  five chunks for an 8 KB ciphertext) once the row passes about 2 KB. A compact sheet of
  the default 2.000-unit comment limit is 4,3 KB: ``toast_tuple_target`` lets rows up to
  the page's size stay whole, one write instead of six. A larger limit is still stored
  out of line, as before.
- The index of ``ballots_pendingballot.subject_id`` goes: the table is only ever read
  within a box, through ``pending_box_subject``. Dropped by name, so that Django does not
  recreate the column's foreign key deferred (migration 0011 made it immediate).
"""

from django.db import migrations, models

SUBJECT_INDEX = "ballots_pendingballot_subject_id_44b5e233"


def _toast_target(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ballots_pendingballot SET (toast_tuple_target = 8160)")


def _toast_default(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ballots_pendingballot RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0011_immediate_pending_foreign_keys"),
        ("rounds", "0003_conference_details_and_plan"),
    ]

    operations = [
        # Existing keys get the JSON layout; new ones the compact layout.
        migrations.AddField(
            model_name="boxkey",
            name="sheet_format",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="sheet layout"
            ),
        ),
        migrations.AlterField(
            model_name="boxkey",
            name="sheet_format",
            field=models.PositiveSmallIntegerField(
                default=2, editable=False, verbose_name="sheet layout"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="pendingballot",
                    name="subject",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="pending_ballots",
                        to="rounds.subject",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {SUBJECT_INDEX}",
                    f"CREATE INDEX {SUBJECT_INDEX} ON ballots_pendingballot (subject_id)",
                ),
            ],
        ),
        migrations.RunPython(_toast_target, _toast_default),
    ]
