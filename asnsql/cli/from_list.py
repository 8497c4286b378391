"""``asnsql from-list`` (not written yet)."""

commands: list = []
