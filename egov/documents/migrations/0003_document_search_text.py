"""One folded search column per document (title + current version's text), indexed for search.

On PostgreSQL a trigram GIN index serves `LIKE '%term%'` on it, and the list's newest-first order
has its own index; together they keep the search fast over millions of documents.
"""

from django.db import migrations, models


def fill_search_text(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE documents_document d SET search_text = btrim(d.search_title || ' ' || v.search_text) "
            "FROM documents_documentversion v WHERE v.id = d.current_version_id"
        )
        return
    for document in Document.objects.select_related("current_version").iterator(chunk_size=500):
        text = document.current_version.search_text if document.current_version else ""
        document.search_text = f"{document.search_title} {text}".strip()
        document.save(update_fields=["search_text"])


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS document_search_trgm ON documents_document "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS document_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_document_search_title")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["-created_at", "-id"], name="document_created_idx"),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
