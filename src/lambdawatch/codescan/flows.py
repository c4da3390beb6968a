"""Flows inside one file: which names carry credentials, decoded payloads or hosts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.hosts import classify, hosts_in
from lambdawatch.codescan.ir import Call, Expr, Facts, norm
from lambdawatch.codescan.model import Severity


@dataclass
class FileContext:
    """One file as the checks see it: facts, raw lines, location and taint."""

    path: str
    facts: Facts
    lines: list[str]
    vendored: bool = False
    role: str = "code"  # "bootstrap", "wrapper", "extension", "pth", "binary"
    cap: Severity | None = None  # ceiling for every finding (data files of vendored packages)
    cred_names: set[str] = field(default_factory=set)
    payload_names: set[str] = field(default_factory=set)
    host_names: dict[str, list[str]] = field(default_factory=dict)

    def line(self, n: int) -> str:
        return self.lines[n - 1].strip() if 0 < n <= len(self.lines) else ""

    def is_cred(self, ex: Expr) -> bool:
        return (
            any(tx.is_cred_env(k) for k in ex.env)
            or bool(ex.names & self.cred_names)
            or any(tx.has_verb(c, tx.CRED_CALLS) for c in ex.calls)
        )

    def is_payload(self, ex: Expr) -> bool:
        return bool(ex.names & self.payload_names) or any(
            tx.is_decoder(c) or tx.is_net(c) for c in ex.calls
        )

    def hosts(self, ex: Expr) -> list[str]:
        found: list[str] = []
        for s in ex.strings:
            found += hosts_in(s) or _bare_host(s)
        for n in sorted(ex.names):
            found += self.host_names.get(n, [])
            if n in self.facts.consts:
                found += hosts_in(self.facts.consts[n]) or _bare_host(self.facts.consts[n])
        return list(dict.fromkeys(found))

    def destinations(self, call: Call) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for h in self.hosts(call.args):
            out.setdefault(classify(h), []).append(h)
        return out

    def calls(self, pred: object) -> list[Call]:
        return [c for c in self.facts.calls if pred(c.callee)]  # type: ignore[operator]

    def has_call(self, pred: object) -> bool:
        return any(pred(c.callee) for c in self.facts.calls)  # type: ignore[operator]


HOST_RE = re.compile(r"^(?:[a-z0-9-]+\.)+([a-z]{2,12})$|^\d{1,3}(?:\.\d{1,3}){3}$")
FILE_EXT = frozenset(
    {
        "html",
        "json",
        "js",
        "py",
        "txt",
        "csv",
        "xml",
        "png",
        "jpg",
        "zip",
        "gz",
        "yaml",
        "yml",
        "md",
        "log",
        "tmp",
        "mp4",
        "mp3",
        "pdf",
        "sh",
        "ts",
        "so",
    }
)

# Generic top-level domains a bare host name may end in (two-letter country codes are all
# accepted): ``react.element`` or ``document.all`` in a bundle are property paths, not hosts.
TLDS = frozenset(
    {
        "com",
        "net",
        "org",
        "io",
        "dev",
        "app",
        "info",
        "biz",
        "xyz",
        "site",
        "online",
        "top",
        "cloud",
        "pro",
        "live",
        "link",
        "fun",
        "space",
        "store",
        "tech",
        "club",
        "icu",
        "run",
        "win",
        "work",
        "host",
        "website",
        "services",
        "digital",
        "network",
        "email",
        "page",
        "tools",
        "zone",
        "world",
        "today",
        "one",
        "gov",
        "edu",
        "mil",
        "int",
        "aws",
        "amazon",
        "local",
        "internal",
        "localdomain",
        "localhost",
        "arpa",
        "onion",
        "cfd",
        "sbs",
        "lol",
        "monster",
        "rest",
        "bar",
        "buzz",
        "shop",
        "vip",
        "mobi",
        "name",
        "asia",
    }
)


def _bare_host(value: str) -> list[str]:
    """A bare host name or IP (``hostname: 'x.example.org'``), not a file name."""
    v = value.strip().lower()
    m = HOST_RE.match(v) if len(v) < 100 else None
    tld = m.group(1) if m else None
    if m and tld not in FILE_EXT and (tld is None or tld in TLDS or len(tld) == 2):
        return [v]
    return []


def analyse(ctx: FileContext) -> FileContext:
    """Propagate taint through assignments until nothing changes (bounded)."""
    for _ in range(4):
        before = (len(ctx.cred_names), len(ctx.payload_names), len(ctx.host_names))
        for a in ctx.facts.assigns:
            if ctx.is_cred(a.value):
                ctx.cred_names.update(a.names)
            if ctx.is_payload(a.value):
                ctx.payload_names.update(a.names)
            hs = ctx.hosts(a.value)
            if hs:
                for n in a.names:
                    ctx.host_names[n] = list(dict.fromkeys(ctx.host_names.get(n, []) + hs))
        if before == (len(ctx.cred_names), len(ctx.payload_names), len(ctx.host_names)):
            break
    return ctx


def external_net_calls(ctx: FileContext) -> list[tuple[Call, list[str]]]:
    return [
        (c, d["external"])
        for c in ctx.calls(tx.is_net)
        if (d := ctx.destinations(c)).get("external")
    ]


def mentions(ctx: FileContext, needles: tuple[str, ...]) -> list[int]:
    """Lines of string literals containing any needle (case-insensitive)."""
    low = tuple(n.lower() for n in needles)
    return sorted(
        {lit.line for lit in ctx.facts.literals if any(n in lit.value.lower() for n in low)}
    )


__all__ = ["FileContext", "analyse", "external_net_calls", "mentions", "norm"]
