"""``asnsql make-pool`` (not written yet)."""

commands: list = []
