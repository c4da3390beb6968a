"""Read one input and decode it, turning every failure into a recorded, counted outcome."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.decode import Decoded, NotCloudTrail, decode


@dataclass
class Outcome:
    """The result of one input: decoded content, or the reason it gave nothing."""

    name: str
    decoded: Decoded | None = None
    error: str | None = None
    bytes_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.decoded is not None


def read_local(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        if os.path.islink(path):
            raise OSError(errno.ENOENT, "broken symbolic link") from None
        raise OSError(errno.ENOENT, "file vanished or does not exist") from None
    except IsADirectoryError:
        raise OSError(errno.EISDIR, "is a directory") from None
    except PermissionError:
        raise OSError(errno.EACCES, "permission denied (unreadable file)") from None


def decode_bytes(name: str, data: bytes, rules: RuleSet) -> Outcome:
    """Decode ``data`` (the bytes of input ``name``). Never raises on bad content."""
    try:
        decoded = decode(data, rules.prefilter, rules.match, rules.project)
    except NotCloudTrail as exc:
        return Outcome(name, error=str(exc), bytes_read=len(data))
    except Exception as exc:  # isolation boundary: one bad file never stops the run
        return Outcome(name, error=f"could not decode ({type(exc).__name__}: {exc})",
                       bytes_read=len(data))
    if decoded.records == 0 and decoded.problem:
        return Outcome(name, error=decoded.problem, bytes_read=len(data))
    return Outcome(name, decoded=decoded, bytes_read=len(data))


def read_and_decode(path: str, rules: RuleSet) -> Outcome:
    try:
        data = read_local(path)
    except OSError as exc:
        return Outcome(path, error=exc.strerror or str(exc))
    return decode_bytes(path, data, rules)


_WORKER_RULES: RuleSet | None = None


def worker_init(rules: RuleSet) -> None:
    global _WORKER_RULES
    _WORKER_RULES = rules


def worker_read(path: str) -> Outcome:
    assert _WORKER_RULES is not None, "worker_init was not run"
    return read_and_decode(path, _WORKER_RULES)


def worker_decode(name: str, data: bytes) -> Outcome:
    assert _WORKER_RULES is not None, "worker_init was not run"
    return decode_bytes(name, data, _WORKER_RULES)
