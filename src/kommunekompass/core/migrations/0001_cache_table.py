"""The table of the shared cache (settings.CACHES: Django's database cache), made by `migrate`
so that several app servers on one database share the cache with nothing else to set up. It is
made whichever cache is configured, so switching from Redis back to the database just works."""

from django.db import migrations

CACHE_TABLE = "kommunekompass_cache"


def create_cache_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    connection = schema_editor.connection
    if CACHE_TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
