"""Warm handoff to people: queues, business hours, the handoff engine."""
