"""The jobs as they are now, for the reactions to one stored change: each read once (one Query), until a
reaction writes one. Never kept beyond the change: the next record may follow another write."""
from ..domain.errors import NotFound
from ..domain.jobs import Job
from .ports import JobRepository


class CurrentJobs:
    def __init__(self, jobs: JobRepository):
        self._jobs = jobs
        self._read: dict[tuple[str, str], Job | None] = {}

    def get(self, org_id: str, job_id: str) -> Job | None:
        """None: declined or gone."""
        key = (org_id, job_id)
        if key not in self._read:
            try:
                self._read[key] = self._jobs.get(org_id, job_id)
            except NotFound:
                self._read[key] = None
        return self._read[key]

    def __call__(self, event) -> Job | None:
        """The event's job (what compose and arrival ask for)."""
        return self.get(event.org_id, event.job_id)

    def clear(self) -> None:
        """A reaction wrote a job: what was read is stale."""
        self._read.clear()
