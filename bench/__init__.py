"""Benchmarks of autoimport (`make bench`, not part of the test suite).

Each benchmark measures our code beside baselines measured in the same run, on the same machine
and data, and reports ratios: wall time alone says little on a shared 2-core machine.
"""
