"""Hard-coded secrets in code (CS6xx). Patterns, masking and :func:`redact` (applied to every
output of a scan) come from the one secrets module, :mod:`lambdawatch.secrets`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.model import Severity as S
from lambdawatch.secrets import AWS_ACCESS_KEY_ID as AWS_KEY_ID
from lambdawatch.secrets import AWS_SECRET_ASSIGNMENT as AWS_SECRET
from lambdawatch.secrets import PRIVATE_KEY as PEM
from lambdawatch.secrets import TOKENS, mask, redact

TOKEN = re.compile(
    "|".join(
        f"(?:{rx.pattern})" for name, rx in TOKENS.items() if name not in ("jwt", "sendgrid-key")
    )
)
ALL = (AWS_KEY_ID, TOKEN)
__all__ = ["ALL", "AWS_KEY_ID", "AWS_SECRET", "PEM", "TOKEN", "mask", "redact"]


@check("CS601", "aws-access-key", "hardcoded-secret", "Hard-coded AWS access key", S.HIGH, "high")
def aws_keys(ctx: FileContext) -> Iterator[Hit]:
    """An AWS access key id (``AKIA``/``ASIA``...) or a 40-character secret access key
    assigned in code. The value is masked in every output."""
    for i, text in enumerate(ctx.lines, 1):
        for m in AWS_KEY_ID.finditer(text):
            yield Hit(i, "AWS access key id", evidence=mask(m.group(0)))
        for m in AWS_SECRET.finditer(text):
            yield Hit(i, "AWS secret access key", evidence=mask(m.group(1)))


@check("CS602", "private-key-block", "hardcoded-secret", "Embedded private key", S.HIGH, "high")
def private_keys(ctx: FileContext) -> Iterator[Hit]:
    """A PEM ``-----BEGIN ... PRIVATE KEY-----`` block. The key body is never shown."""
    for i, text in enumerate(ctx.lines, 1):
        if "PRIVATE KEY" in text and "-----BEGIN" in text:
            yield Hit(i, "PEM private key", evidence="PEM private key block (body redacted)")


@check("CS603", "api-token", "hardcoded-secret", "Hard-coded API token", S.HIGH, "high")
def tokens(ctx: FileContext) -> Iterator[Hit]:
    """GitHub (``ghp_``, ``github_pat_``), Slack (``xox?-``), Stripe live, GitLab and Google API
    tokens. Masked in every output."""
    for i, text in enumerate(ctx.lines, 1):
        for m in TOKEN.finditer(text):
            yield Hit(i, "API token", evidence=mask(m.group(0)))
