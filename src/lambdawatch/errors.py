"""One error hierarchy for lambdawatch.

Every error the tool raises on purpose derives from :class:`LambdawatchError`; the CLI maps
it to a one-line message and exit code 2. Errors that concern one input carry its location so
the message says *where* (file, record, line) as well as *what*.
"""

from __future__ import annotations


class LambdawatchError(Exception):
    """Base class of every lambdawatch error."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class UsageError(LambdawatchError):
    """Bad command-line usage: unknown format, missing path, conflicting options."""


class InputError(LambdawatchError):
    """An input (file, object, record) could not be read or is not CloudTrail."""


class ConfigError(LambdawatchError):
    """The TOML configuration is invalid (unknown key, wrong type)."""


class RuleError(LambdawatchError):
    """A rule file is invalid; ``where`` is ``file:line``."""


class StateError(LambdawatchError):
    """The SQLite state store cannot be opened or is from an incompatible version."""


class AwsError(LambdawatchError):
    """An AWS API call failed (credentials, permissions, throttling, missing resource)."""


class ScanError(LambdawatchError):
    """A code-scan target cannot be opened at all (a bad member only yields a finding)."""


class KindError(LambdawatchError):
    """A finding kind is not in the registry (``data/kinds.yml``), or the registry is invalid;
    ``where`` names the rule file, analyzer or check that used it."""


class SparkError(LambdawatchError):
    """The Spark engine cannot run (pyspark or Java missing, the cluster cannot be reached, a
    job failed)."""
