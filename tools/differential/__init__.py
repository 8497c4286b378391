"""Differential fuzzer: asnsql against the reference ``asn_generate`` (jwst 3.0.0).

Real pools are mutated as real programs vary (rows dropped, values changed or nulled within
each column's observed vocabulary, candidates added or renumbered), both generators run on
each mutated pool in one of the reference's modes, and their associations are compared with
the criteria of the parity scorer (product name, ``asn_type``, candidate level, members).
Every disagreement is kept, delta-debugged down to the fewest pool rows that still show it,
with the reference's output. See ``tools/differential/README.md``.

The pure parts (:mod:`.pool`, :mod:`.mutate`, :mod:`.compare`, :mod:`.minimise`) need
neither the reference nor a database; :mod:`.reference` drives the reference in its own
virtual environment; :mod:`.run` ties them together.
"""
