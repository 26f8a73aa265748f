"""What one appointment lifecycle uses, as counted by `bench/cost.py --write` (regenerate it when the
code's calls change). Counted on moto, every AWS call recorded; see bench/cost.py for how each unit is
counted."""
MEASURED_ON = "2026-11-24"
LIFECYCLE = ("book with a technician, confirmation text, reply C, reminder, en route, arrived, complete, "
             "feedback request, a delivery receipt per text (5 lifecycles)")
PER_APPOINTMENT = {
    "write_request_units": 246.20,
    "read_request_units": 77.90,
    "lambda_invocations": 27.40,
    "sms_segments": 6.00,
}
