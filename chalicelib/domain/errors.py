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
