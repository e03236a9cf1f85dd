"""Benchmarks: `python -m bench.<name>`; each prints a table with a baseline from the same run."""
