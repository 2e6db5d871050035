"""Documents already linked to dossiers get the purpose that decides who sees them.

Papers and results of dossiers become DOSSIER documents (seen through the dossier, no longer by
any role in the unit that stored them); what a citizen uploaded, and the papers and results of a
citizen's dossier, are theirs (owner); their uploads only in a draft are PERSONAL (theirs only).
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def forwards(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierComponent = apps.get_model("dossiers", "DossierComponent")
    DraftAttachment = apps.get_model("dossiers", "DraftAttachment")
    User = apps.get_model("accounts", "User")

    citizens = User.objects.filter(kind="citizen").values("pk")
    Document.objects.filter(created_by__in=citizens, owner__isnull=True).update(owner_id=F("created_by_id"))
    Document.objects.filter(pk__in=DraftAttachment.objects.values("document_id")).update(purpose="personal")

    papers = DossierComponent.objects.filter(document__isnull=False)
    results = Dossier.objects.filter(result_document__isnull=False)
    Document.objects.filter(pk__in=papers.values("document_id")).update(purpose="dossier")
    Document.objects.filter(pk__in=results.values("result_document_id")).update(purpose="dossier")

    citizen_papers = papers.filter(dossier__citizen__isnull=False)
    Document.objects.filter(owner__isnull=True, pk__in=citizen_papers.values("document_id")).update(
        owner_id=Subquery(
            citizen_papers.filter(document_id=OuterRef("pk")).order_by("pk").values("dossier__citizen_id")[:1]
        )
    )
    citizen_results = results.filter(citizen__isnull=False)
    Document.objects.filter(owner__isnull=True, pk__in=citizen_results.values("result_document_id")).update(
        owner_id=Subquery(
            citizen_results.filter(result_document_id=OuterRef("pk")).order_by("pk").values("citizen_id")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_citizen_accounts"),
        ("documents", "0005_document_purpose"),
        ("dossiers", "0010_fee_lines"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
