"""Pure-Python domain: entities, the job status machine, errors. No boto, no I/O."""
