"""Tests of the benchmarks' pure parts (never of their figures)."""
