"""Use cases: check who may do what, call the domain, persist through the repositories."""
