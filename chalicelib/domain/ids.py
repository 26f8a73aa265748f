"""Opaque, prefixed ids. An appointment id embeds its job id so it is found with one key read."""
import secrets

from .errors import NotFound


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def new_appointment_id(job_id: str) -> str:
    return f"apt_{job_id.removeprefix('job_')}_{secrets.token_hex(4)}"


def job_id_of_appointment(appointment_id: str) -> str:
    parts = appointment_id.split("_")
    if len(parts) != 3 or parts[0] != "apt" or not all(parts[1:]):
        raise NotFound("appointment")
    return f"job_{parts[1]}"


COUPON_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def new_coupon_code() -> str:
    return "OMW-" + "".join(secrets.choice(COUPON_ALPHABET) for _ in range(6))
