"""Benchmarks: scripts that print their figures (make bench); not run by the tests."""
