"""The queue's task: one entry point for every kind of job (``services.RUNNERS``)."""

from django_tasks import task


@task()
def run_job(job_id: str) -> None:
    """Run the job ``job_id`` (a Job's UUID as text) in this worker."""
    from .services import run

    run(job_id)
