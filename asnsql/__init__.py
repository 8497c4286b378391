"""asnsql: set-based association generator for JWST calibration pools.

The public API; see the README for the three uses (command line, ad-hoc SQL, ETL), and
docs/ARCHITECTURE.md for the layout. "Spec section N" in docstrings and comments refers to
docs/ASSOCIATION_SPEC.md, the behaviour specification of the reference (jwst 3.0.0).
"""

from .arrow import generate_tables
from .errors import (
    AsnsqlError,
    AsnsqlWarning,
    AssociationError,
    CompileError,
    OutputError,
    PoolError,
    QueryError,
    RuleError,
)
from .generate import generate, generate_batch
from .asnread import load_asn
from .asnwrite import write_associations
from .ruleset import default_ruleset, load_rules
from .session import connect
from .tables import from_tables, to_tables

__version__ = "0.1.0"

__all__ = [
    "AsnsqlError",
    "AsnsqlWarning",
    "AssociationError",
    "CompileError",
    "OutputError",
    "PoolError",
    "QueryError",
    "RuleError",
    "connect",
    "default_ruleset",
    "from_tables",
    "generate",
    "generate_batch",
    "generate_tables",
    "load_asn",
    "load_rules",
    "to_tables",
    "write_associations",
]
