"""``asnsql gather`` (not written yet)."""

commands: list = []
