"""Shared test support: a running assistant for end-to-end tests and benchmarks, blocking port calls."""
