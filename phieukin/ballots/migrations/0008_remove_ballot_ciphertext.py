"""The sealed ballots' table holds no ciphertext column any more (see 0007)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0007_open_box_tables"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="ballot",
            name="ciphertext",
        ),
    ]
