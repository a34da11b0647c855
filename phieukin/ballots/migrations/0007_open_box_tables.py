"""Open-box tables: the rows of unsealed boxes move out of the sealed history.

Ballots and receipts of every box not sealed yet move to ``ballots_pendingballot`` and
``ballots_pendingreceipt``; the codes of sealed boxes move to ``ballots_sealedcode``; the
history table of ballots loses its ciphertext column (sealed ballots never had one set).
Sealed boxes keep every row they were sealed with, so they still verify.
"""

import django.db.models.deletion
import phieukin.core.ids
from django.db import migrations, models


_NOT_SEALED = "SELECT id FROM rounds_ballotbox WHERE state <> 'sealed'"
_SEALED = "SELECT id FROM rounds_ballotbox WHERE state = 'sealed'"
_BALLOT = "id, box_id, subject_id, group_id, source, valid, answers, comment"


def move_rows(apps: object, schema_editor: object) -> None:
    """Move the rows of unsealed boxes to the open-box tables, sealed codes to history."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ballots_pendingballot ({_BALLOT}, ciphertext) "  # noqa: S608
            f"SELECT {_BALLOT}, ciphertext FROM ballots_ballot WHERE box_id IN ({_NOT_SEALED})"
        )
        cursor.execute(f"DELETE FROM ballots_ballot WHERE box_id IN ({_NOT_SEALED})")  # noqa: S608
        cursor.execute(
            "INSERT INTO ballots_pendingreceipt (id, box_id, value) "  # noqa: S608
            f"SELECT id, box_id, value FROM ballots_receipt WHERE box_id IN ({_NOT_SEALED})"
        )
        cursor.execute(f"DELETE FROM ballots_receipt WHERE box_id IN ({_NOT_SEALED})")  # noqa: S608
        cursor.execute(
            "INSERT INTO ballots_sealedcode (id, box_id, digest, group_id, state) "  # noqa: S608
            f"SELECT id, box_id, digest, group_id, state FROM ballots_code "
            f"WHERE box_id IN ({_SEALED})"
        )
        cursor.execute(f"DELETE FROM ballots_code WHERE box_id IN ({_SEALED})")  # noqa: S608


def move_back(apps: object, schema_editor: object) -> None:
    """Put the rows back in the single tables (reverse migration)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ballots_ballot ({_BALLOT}, ciphertext) "  # noqa: S608
            f"SELECT {_BALLOT}, ciphertext FROM ballots_pendingballot"
        )
        cursor.execute(
            "INSERT INTO ballots_receipt (id, box_id, value) "
            "SELECT id, box_id, value FROM ballots_pendingreceipt"
        )
        cursor.execute(
            "INSERT INTO ballots_code (id, box_id, digest, group_id, state) "
            "SELECT id, box_id, digest, group_id, state FROM ballots_sealedcode"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0006_seal_scrubbed_at"),
        ("rounds", "0003_conference_details_and_plan"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingReceipt",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=phieukin.core.ids.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("value", models.CharField(max_length=32, unique=True, verbose_name="receipt")),
                (
                    "box",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pending_receipts",
                        to="rounds.ballotbox",
                    ),
                ),
            ],
            options={
                "verbose_name": "receipt of an unsealed box",
                "verbose_name_plural": "receipts of unsealed boxes",
            },
        ),
        migrations.CreateModel(
            name="SealedCode",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=phieukin.core.ids.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("digest", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "state",
                    models.CharField(
                        choices=[("unused", "Unused"), ("used", "Used"), ("voided", "Voided")],
                        max_length=8,
                        verbose_name="state",
                    ),
                ),
                (
                    "box",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sealed_codes",
                        to="rounds.ballotbox",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sealed_codes",
                        to="rounds.respondentgroup",
                        verbose_name="respondent group",
                    ),
                ),
            ],
            options={
                "verbose_name": "code of a sealed box",
                "verbose_name_plural": "codes of sealed boxes",
            },
        ),
        migrations.CreateModel(
            name="PendingBallot",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=phieukin.core.ids.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("online", "Online"),
                            ("typed", "Typed from paper"),
                            ("scanned", "Scanned from paper"),
                        ],
                        max_length=8,
                    ),
                ),
                ("valid", models.BooleanField(default=True)),
                ("answers", models.CharField(blank=True, max_length=64)),
                ("comment", models.TextField(blank=True)),
                ("ciphertext", models.BinaryField(blank=True, null=True)),
                (
                    "box",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pending_ballots",
                        to="rounds.ballotbox",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pending_ballots",
                        to="rounds.respondentgroup",
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pending_ballots",
                        to="rounds.subject",
                    ),
                ),
            ],
            options={
                "verbose_name": "ballot of an unsealed box",
                "verbose_name_plural": "ballots of unsealed boxes",
                "indexes": [models.Index(fields=["box", "subject"], name="pending_box_subject")],
            },
        ),
        migrations.RunPython(move_rows, move_back),
    ]
