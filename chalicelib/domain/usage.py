"""What one appointment lifecycle uses, as counted by `bench/cost.py --write` (regenerate it when the
code's calls change). Counted on moto, every AWS call recorded; see bench/cost.py for how each unit is
counted."""
MEASURED_ON = "2026-12-07"
LIFECYCLE = ("book with a technician, confirmation text, reply C, reminder, en route, arrived, complete, "
             "feedback request, a delivery receipt per text (5 lifecycles)")
PER_APPOINTMENT = {
    "write_request_units": 277.40,
    "read_request_units": 99.20,
    "lambda_invocations": 29.00,
    "sms_segments": 6.80,
}
