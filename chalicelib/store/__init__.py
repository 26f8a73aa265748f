"""DynamoDB persistence: the only package that knows DynamoDB. Access patterns in docs/data-and-access-patterns.md."""
