"""Create the database table of the report pages' cache (reports/page_cache.py)."""

import io

from django.core.management import call_command
from django.db import migrations


def create_page_cache_table(apps, schema_editor):
    # createcachetable reads settings.CACHES: it creates the "pages" table when that cache
    # is a database one, and does nothing for Redis, a per-process cache or a table that
    # exists already.
    call_command("createcachetable", database=schema_editor.connection.alias, stdout=io.StringIO())


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(create_page_cache_table, migrations.RunPython.noop)]
