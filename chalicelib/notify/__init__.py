"""Texts: templates, rendering, segment counting, and the SMS sender adapters (SNS / End User Messaging)."""
