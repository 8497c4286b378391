"""Observatory profiles built on asnsql's core (engine, SQL compilation, output)."""
