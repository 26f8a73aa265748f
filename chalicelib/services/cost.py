"""The AWS cost per 1,000 appointment lifecycles: DynamoDB request units and Lambda invocations per
lifecycle as bench/cost.py counted them (domain/usage.py), SMS segments per appointment as this
organization's counters have them, priced by domain/prices.py."""
from datetime import date

from ..config import environment
from ..domain import prices, usage
from .repositories import Repositories


def of_organization(repos: Repositories, org_id: str, first: date, last: date) -> dict:
    appointments = segments = 0
    for _, counters in repos.tallies.read(org_id, "day", first, last):
        appointments += counters.get("appointments", 0)
        segments += counters.get("segments", 0)
    per_appointment = dict(usage.PER_APPOINTMENT)
    counted = appointments > 0
    if counted:  # this organization's own texts: its templates, its scenarios, its customers' replies
        per_appointment["sms_segments"] = segments / appointments
    total, breakdown = prices.per_1000(per_appointment, usage.LAMBDA_INVOCATIONS, environment().due_shards)
    return {"per_1000_appointments_usd": total, "breakdown": breakdown, "prices_as_of": prices.PRICES_AS_OF,
            "basis": {"from": first.isoformat(), "to": last.isoformat(), "appointments": appointments,
                      "segments": segments,
                      "sms_from": "this organization's counters" if counted else "bench/cost.py (no appointments "
                                                                                  "booked in the range)",
                      "dynamodb_and_lambda_from": f"bench/cost.py, measured {usage.MEASURED_ON}: {usage.LIFECYCLE}"}}
