"""Background work of documents: thin wrappers over services, enqueued on commit."""

from django.tasks import task

from egov.documents import digitisation


@task
def digitise(*, job_id: int) -> None:
    """Run one digitisation job (OCR into a searchable PDF/A); a repeated run does nothing."""
    digitisation.run_digitisation(job_id)
