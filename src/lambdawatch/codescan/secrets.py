"""Hard-coded secret patterns (CS6xx) and the masking applied to every output."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.model import Severity as S

AWS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])")
AWS_SECRET = re.compile(
    r"(?i)(?:aws)?_?secret(?:_access)?_?key['\"]?\s*[:=]\s*['\"]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])")
PEM = re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
                 r"(?:[\s\S]{0,8000}?-----END[^-]*-----)?")
TOKEN = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|"
                   r"xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_\-]{20}|"
                   r"AIza[0-9A-Za-z_\-]{35})")
ALL = (AWS_KEY_ID, TOKEN)


def mask(value: str) -> str:
    """Keep four characters at each end of long values: ``AKIA************MPLE``."""
    if len(value) <= 12:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def redact(text: str) -> str:
    """Mask every secret pattern inside ``text`` (used on every message and evidence)."""
    for rx in ALL:
        text = rx.sub(lambda m: mask(m.group(0)), text)
    text = AWS_SECRET.sub(lambda m: m.group(0).replace(m.group(1), mask(m.group(1))), text)
    return PEM.sub("-----BEGIN PRIVATE KEY-----****(redacted)****", text)


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
