"""A day of a million appointments: what each partition, function and origination identity must carry.

    .venv/bin/python -m bench.capacity                    # the model (about a minute), from the repository's root
    .venv/bin/python -m bench.capacity --simulate --scale 0.01   # and a 1/100 day through the local stack

1. Cost per operation, measured: every operation of an appointment's life (booking, the confirmation
   and its receipt, the reply, the reminder, en route, arrived, complete, a held text released, the
   technician's day view) runs once through the real handlers on moto in-process, with a botocore hook
   (like tests/conftest.py's record_operations) that reads each touched item before and after each call:
   DynamoDB write units on the table and on each index partition an item enters or leaves, read units
   per partition read, both per partition *key pattern* (ids replaced by their kind), and every other
   AWS call (recorder.py, on the local stage of stage.py).
2. The day's shape (assumptions printed with the table): 1,000,000 visits over 4 US zones, bookings
   through the day, the customers who do not answer escalated 2 h after the question and handed back with
   the reminder, reminders at the lead time (24 h: on the hour of the window), en-route peaks 8-10
   a.m., texts held overnight released after 08:00 local over the release window (day.py).
3. Per minute of the UTC day: operations x measured cost → peak units per partition (a shared key:
   one partition for the whole organization, or one per shard), Lambda invocations and concurrency, SMS
   parts per second per identity, the sweep's items per minute, and the shard count that keeps every
   partition under 50% of its limit (model.py; table.py prints it).
4. --simulate: `--scale` of that day (0.01 = 10,000 visits) through the real handlers on the local stack
   (devstack.Driver: stream, sweep and drainer as `make run` drives them) on a simulated clock; DynamoDB
   write units counted per simulated minute and compared with the model's minute for minute at that scale
   (simulation.py).
"""
