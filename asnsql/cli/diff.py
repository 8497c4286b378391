"""``asnsql diff`` (not written yet)."""

commands: list = []
