"""asnsql benchmarks (not part of the package or of the pytest run).

``python -m benchmarks all`` regenerates ``benchmarks/RESULTS.md``.
"""
