"""DBMIS benchmarks: ``make bench`` (``python -m benchmarks``) runs every module here.

A benchmark module exposes ``run(options) -> Report`` (see :mod:`benchmarks.common`). Figures
are printed and written to ``benchmarks/results/`` (git-ignored) and recorded by hand in
``docs/benchmarks.md`` with the machine and the date. Benchmarks compare variants side by side
in the same run (ratios) and print PASS/MISS against targets; they never assert a wall-clock
time, so a slow or busy machine changes the figures, not the outcome of a test run.
"""
