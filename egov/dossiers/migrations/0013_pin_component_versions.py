"""Existing papers hold the version they were submitted with.

Until now a dossier showed its papers' current version, so a version added later replaced what
it held. Each paper is pinned to the latest version created by the time it came into the dossier:
the dossier's creation, or, for a paper supplied later (a supplement), when its document got its
first version. A derived version made at that moment (none, in practice) counts as submitted.
Where no version is that old (clocks moved), the document's latest is kept: what was shown.

Its own migration: on PostgreSQL the constraint (0014) cannot be added in the transaction that
fills the column (its foreign key checks are still pending).
"""

from django.db import migrations
from django.db.models import Min


def forwards(apps, schema_editor):
    DossierComponent = apps.get_model("dossiers", "DossierComponent")
    DocumentVersion = apps.get_model("documents", "DocumentVersion")
    papers = (
        DossierComponent.objects.filter(document__isnull=False)
        .select_related("dossier")
        .order_by("pk")
    )
    for paper in papers.iterator(chunk_size=500):
        versions = DocumentVersion.objects.filter(document_id=paper.document_id)
        first = versions.aggregate(at=Min("created_at"))["at"]
        if first is None:
            continue
        submitted = max(paper.dossier.created_at, first)
        pinned = (
            versions.filter(created_at__lte=submitted).order_by("-number").values_list("pk", flat=True).first()
            or versions.order_by("-number").values_list("pk", flat=True).first()
        )
        DossierComponent.objects.filter(pk=paper.pk).update(document_version_id=pinned)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0012_component_document_version")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
