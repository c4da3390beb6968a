"""Built-in predicates referenced by the shipped rule files (see :mod:`engine.predicates`)."""

from __future__ import annotations
