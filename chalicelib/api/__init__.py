"""REST blueprints: parse, authorize, call a service, present. No business rules here."""
