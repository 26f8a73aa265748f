"""Who may see and do what: the visibility matrix of docs/product.md §1."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain.errors import Forbidden, NotFound, Unauthorized, VersionConflict
from ..domain.people import Role, User

if TYPE_CHECKING:  # types only: every route imports this module, at cold start
    from ..domain.jobs import Job
    from .repositories import Repositories


@dataclass(frozen=True)
class Caller:
    user: User

    @property
    def org_id(self) -> str:
        return self.user.org_id

    @property
    def id(self) -> str:
        return self.user.id

    def has(self, role: Role) -> bool:
        return self.user.has(role)

    def require(self, *roles: Role) -> None:
        if not any(self.has(r) for r in roles):
            raise Forbidden(f"only a {' or '.join(r.value for r in roles)} may do this")

    def sees(self, job: Job) -> bool:
        return (self.has(Role.DISPATCHER)
                or (self.has(Role.TECHNICIAN) and job.is_assigned_to(self.id))
                or (self.has(Role.PROVIDER) and job.provider_id == self.id))

    def sees_private(self, job: Job) -> bool:
        """Providers see only PUBLIC notes and photos and never the customer's access notes; dispatchers and
        assigned technicians see all."""
        return self.has(Role.DISPATCHER) or (self.has(Role.TECHNICIAN) and job.is_assigned_to(self.id))


def authenticate(repos: Repositories, org_id: str | None, user_id: str | None) -> Caller:
    """The caller as stored now: a deactivated user is refused on their very next request."""
    if not org_id or not user_id:
        raise Unauthorized("a bearer token with sub and custom:org_id is required")
    try:
        user = repos.users.get(org_id, user_id)
    except NotFound:
        raise Unauthorized("unknown user") from None
    if not user.active:  # as a bad token: the console and the app sign them out (docs/api.md)
        raise Unauthorized("this user is deactivated")
    return Caller(user)


def visible_job(repos: Repositories, caller: Caller, job_id: str) -> Job:
    """The job, or 404 for a missing, foreign or invisible one alike."""
    job = repos.jobs.get(caller.org_id, job_id)
    if not caller.sees(job):
        raise NotFound("job")
    return job


def check_version(expected: int | None, actual: int | None) -> None:
    if expected is not None and expected != actual:
        raise VersionConflict(f"version is {actual}, not {expected}")
