"""CS5xx: miners, packers and hosts, in code and in the printable strings of binaries."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.hosts import classify, hosts_in
from lambdawatch.codescan.model import Severity as S

MINER = re.compile(
    r"(?i)stratum\+(?:tcp|ssl|tls)://|\bxmrig\b|\bcryptonight\b|\bminergate\b|"
    r"\bcoinhive\b|\bnicehash\b|supportxmr|minexmr|nanopool\.org|--donate-level|"
    r"\bxmr-stak\b|\bcpuminer\b"
)
STRINGS_RE = re.compile(rb"[\x20-\x7e]{6,}")


def printable_strings(data: bytes, limit: int = 200_000) -> list[str]:
    """Printable ASCII runs of 6+ characters (like ``strings -n 6``), at most ``limit``."""
    out = []
    for m in STRINGS_RE.finditer(data):
        out.append(m.group(0).decode("ascii"))
        if len(out) >= limit:
            break
    return out


@check(
    "CS501", "cryptominer-markers", "cryptominer", "Cryptocurrency miner markers", S.HIGH, "high"
)
def cryptominer(ctx: FileContext) -> Iterator[Hit]:
    """Miner names and pool URLs (``xmrig``, ``stratum+tcp://``, ``cryptonight``,
    ``--donate-level``) in code, scripts or binary strings."""
    for i, text in enumerate(ctx.lines, 1):
        m = MINER.search(text[:4096])
        if m:
            yield Hit(i, f"miner marker {m.group(0)!r}", evidence=text.strip()[:120])
            if ctx.role == "binary":
                return


@check("CS502", "packed-binary", "obfuscation", "Packed executable (UPX)", S.MEDIUM, "high")
def packed(ctx: FileContext) -> Iterator[Hit]:
    """A binary packed with UPX hides its strings and code from review."""
    if ctx.role == "binary" and any("UPX!" in s or "packed with the UPX" in s for s in ctx.lines):
        yield Hit(0, "UPX-packed binary", evidence="UPX!")


@check(
    "CS503",
    "binary-embedded-host",
    "outbound-connection",
    "External host or IP embedded in a binary",
    S.LOW,
    "low",
)
def binary_hosts(ctx: FileContext) -> Iterator[Hit]:
    """URLs and IPv4 addresses outside AWS and loopback in a binary's strings. Medium when the
    binary also carries miner markers."""
    if ctx.role != "binary":
        return
    hosts = [h for s in ctx.lines for h in hosts_in(s) if classify(h) == "external"]
    miner = any(MINER.search(s) for s in ctx.lines)
    for h in list(dict.fromkeys(hosts))[:5]:
        yield Hit(0, f"embedded host {h}", S.MEDIUM if miner else None, h)
