"""``asnsql validate`` (not written yet)."""

commands: list = []
