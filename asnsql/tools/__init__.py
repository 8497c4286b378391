"""Companion tools, apart from the generator core: association files made from a list of
exposures (:mod:`.fromlist`), edited (:mod:`.edit`), gathered with their members
(:mod:`.gather`) or compared (:mod:`.diff`), and pools made from exposure headers
(:mod:`.mkpool`). They read and write association files (:mod:`asnsql.asnread`,
:mod:`asnsql.asnwrite`); none runs the generator.
"""
