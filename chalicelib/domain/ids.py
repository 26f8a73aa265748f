"""Opaque, prefixed ids. An appointment id embeds its job id so it is found with one key read."""
import secrets

from .errors import NotFound

MAX_ID = 100  # the longest id a request may name; the ids issued are far shorter


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def new_appointment_id(job_id: str) -> str:
    return f"apt_{job_id.removeprefix('job_')}_{secrets.token_hex(4)}"


def job_id_of(child_id: str, prefix: str, what: str) -> str:
    """The job an id of `prefix_{job}_{suffix}` names (appointments, queue entries); NotFound if malformed."""
    parts = child_id.split("_")
    if len(parts) != 3 or parts[0] != prefix or not all(parts[1:]):
        raise NotFound(what)
    return f"job_{parts[1]}"


def job_id_of_appointment(appointment_id: str) -> str:
    return job_id_of(appointment_id, "apt", "appointment")


COUPON_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def new_coupon_code() -> str:
    return "OMW-" + "".join(secrets.choice(COUPON_ALPHABET) for _ in range(6))


def new_visit_code() -> str:
    """Four random digits the customer asks for at the door: drawn, never derived from an id."""
    return f"{secrets.randbelow(10_000):04d}"
