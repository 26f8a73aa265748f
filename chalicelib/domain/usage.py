"""What one appointment lifecycle uses, as counted by `bench/cost.py --write` (regenerate it when the
code's calls change). Counted on moto, every AWS call recorded; see bench/cost.py for how each unit is
counted."""
MEASURED_ON = "2026-12-07"
LIFECYCLE = ("book with a technician, confirmation text, reply C, reminder, en route, arrived, complete, "
             "feedback request, a delivery receipt per text (5 lifecycles)")
PER_APPOINTMENT = {
    "write_request_units": 264.60,
    "read_request_units": 94.40,
    "sms_segments": 6.40,
}
LAMBDA_INVOCATIONS = {  # by function, as infra/template.yaml names them
    "APIHandler": 6.00,
    "TableChanges": 14.80,
    "InboundSms": 1.00,
    "DeliveryEvents": 6.40,
}
