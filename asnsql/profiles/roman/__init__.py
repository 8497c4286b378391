"""Roman (romancal 1.1.0) associations: skymap tables, footprints, skycell overlap.

Modules: :mod:`.skymap` (the SKYCELLS reference file as Parquet tables),
:mod:`.footprints` (Level-2 files or a footprint table -> one row per exposure),
:mod:`.overlap` (the skycell overlap as DuckDB SQL).
"""
