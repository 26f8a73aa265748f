"""DynamoDB persistence: the only package that knows DynamoDB. Access patterns in README.md."""
