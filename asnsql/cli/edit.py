"""``asnsql edit`` (not written yet)."""

commands: list = []
