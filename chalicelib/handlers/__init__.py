"""Event handlers: the DynamoDB stream, the timer sweep, inbound texts. Thin: they call services."""
