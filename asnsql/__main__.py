"""``python -m asnsql``: the command line."""

from .cli import run

run()
