"""Domain errors. Each carries a machine code; the API maps codes to HTTP statuses."""


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    code = "validation_error"

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, what: str):
        super().__init__(f"{what} not found")


class InvalidTransition(DomainError):
    code = "invalid_transition"

    def __init__(self, status: str, action: str, what: str = "job"):
        super().__init__(f"cannot {action} a {what} that is {status}")
        self.status = status
        self.action = action


class VersionConflict(DomainError):
    code = "version_conflict"

    def __init__(self, message: str = "the record was changed by someone else; reload and retry"):
        super().__init__(message)


class Conflict(DomainError):
    code = "conflict"


# Raised by the store, caught by the services (which say what each means to the caller).

class AlreadyGiven(Conflict):
    """A second feedback for a job: the first stays as given."""

    def __init__(self):
        super().__init__("feedback for this visit was already given")


class LinkExpired(DomainError):
    code = "gone"

    def __init__(self, message: str, org_id: str | None = None):
        super().__init__(message)
        self.org_id = org_id  # whom the customer should call instead


class LimitReached(DomainError):
    """A booking counter is full: `which` names it ("phone" or "client"); nothing was stored."""
    code = "too_many_requests"

    def __init__(self, which: str):
        super().__init__(f"the {which} booking limit is reached")
        self.which = which


class UnreadableRecord(ValueError):
    """A stream record that is not a change of this table's items as the code knows them."""
