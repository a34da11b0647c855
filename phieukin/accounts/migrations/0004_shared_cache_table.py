"""Create the database cache table that every app server shares (rate limits)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable reads settings.CACHES and does nothing for a non-database cache
    # or a table that exists already.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_second_factor_password_token_expiry")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
