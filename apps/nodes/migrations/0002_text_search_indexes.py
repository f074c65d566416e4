"""Substring search over titles and descriptions, indexed with pg_trgm on PostgreSQL."""

from django.db import migrations

from plynx_site.migration_ops import RunSQLOnPostgres, trigram_index_sql


class Migration(migrations.Migration):
    dependencies = [("nodes", "0001_initial")]

    operations = [
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        RunSQLOnPostgres("CREATE EXTENSION IF NOT EXISTS pg_trgm;", migrations.RunSQL.noop),
        *(RunSQLOnPostgres(*trigram_index_sql("nodes_node", column)) for column in ("title", "description")),
    ]
