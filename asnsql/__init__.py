"""asnsql: set-based association generator for JWST calibration pools.

The public API; see the README for the three uses (command line, ad-hoc SQL, ETL).
"""

from .errors import (
    AsnsqlError,
    AsnsqlWarning,
    CompileError,
    OutputError,
    PoolError,
    QueryError,
    RuleError,
)
from .generate import generate
from .io import load_asn, write_associations
from .ruleset import default_ruleset, load_rules

__version__ = "0.1.0"

__all__ = [
    "AsnsqlError",
    "AsnsqlWarning",
    "CompileError",
    "OutputError",
    "PoolError",
    "QueryError",
    "RuleError",
    "default_ruleset",
    "generate",
    "load_asn",
    "load_rules",
    "write_associations",
]
