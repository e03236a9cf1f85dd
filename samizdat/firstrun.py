"""Set by the ``samizdat`` command for ``init``/``demo``, which run before a secret key exists
(they write it); every other process refuses to start without one (see settings.py)."""

active = False
