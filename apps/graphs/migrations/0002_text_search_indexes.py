"""Substring search over run titles, indexed with pg_trgm on PostgreSQL."""

from django.db import migrations

from plynx_site.migration_ops import RunSQLOnPostgres, trigram_index_sql


class Migration(migrations.Migration):
    dependencies = [("graphs", "0001_initial"), ("nodes", "0002_text_search_indexes")]

    operations = [RunSQLOnPostgres(*trigram_index_sql("graphs_run", "title"))]
