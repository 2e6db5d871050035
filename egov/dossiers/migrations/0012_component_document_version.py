import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_document_purpose"),
        ("dossiers", "0011_documents_by_purpose"),
        ("procedures", "0007_fee_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossiercomponent",
            name="document_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.documentversion",
            ),
        ),
    ]
