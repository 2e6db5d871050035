from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0013_pin_component_versions")]

    operations = [
        migrations.AddConstraint(
            model_name="dossiercomponent",
            constraint=models.CheckConstraint(
                condition=models.Q(document__isnull=True, document_version__isnull=True)
                | models.Q(document__isnull=False, document_version__isnull=False),
                name="dossier_component_pinned",
            ),
        ),
    ]
