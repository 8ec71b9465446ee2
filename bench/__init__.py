"""Benchmarks that print their figures; run as modules from the project root (`make bench`)."""
