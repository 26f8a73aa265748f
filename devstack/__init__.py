"""The local stage: moto provisioning from infra/, dev tokens, the `make run` server. Never deployed."""
