"""Developer tools of the asnsql repository (not part of the installed package)."""
