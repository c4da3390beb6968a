"""Red flags in what a function printed, one small detector per family.

A cheap combined pattern screens each application line first; only lines it hits go through
the detectors. Secrets are found and masked by :mod:`lambdawatch.secrets`: evidence never holds a value.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from lambdawatch.secrets import find_secrets, mask, redact

KEYWORDS = (
    "://",
    "connect",
    "dial ",
    "enotfound",
    "eai_again",
    "resolve host",
    "socket",
    "akia",
    "asia",
    "private key",
    "secret",
    "passw",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "bearer",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "xox",
    "sk_live",
    "aiza",
    "eyj",
    "not found",
    "<string>",
    "<anonymous>",
    "eval",
    "syntaxerror",
    "/bin/",
    "permission denied",
    "refused",
)
_DOTTED = re.compile(r"\d\.\d{1,3}\.\d")


class _Screen:
    """A cheap pre-check: lowercase substring tests and one small regex for dotted quads."""

    @staticmethod
    def search(message: str) -> bool:
        low = message.lower()
        for word in KEYWORDS:
            if word in low:
                return True
        return _DOTTED.search(message) is not None


SCREEN = _Screen()

_URL = re.compile(
    r"\b(?:https?|wss?|tcp|ftp)://(?:[^\s/@:]+(?::[^\s/@]*)?@)?"
    r"(?P<host>\[[0-9a-f:]+\]|[A-Za-z0-9.-]+)(?::(?P<port>\d{1,5}))?",
    re.IGNORECASE,
)
_IP_PORT = re.compile(
    r"(?<![\d.])(?P<host>\d{1,3}(?:\.\d{1,3}){3})(?::(?P<port>\d{1,5}))?(?![\d.])"
)
_CONNECT = re.compile(
    r"connect|dial (?:tcp|udp)|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|resolve host|"
    r"socket|Connection (?:refused|reset|timed out)|getaddrinfo",
    re.IGNORECASE,
)
_AWS_HOST = re.compile(
    r"(?:^|\.)(?:amazonaws\.com(?:\.cn)?|aws\.amazon\.com|on\.aws|"
    r"api\.aws|localhost)$",
    re.IGNORECASE,
)
_SHELL = re.compile(
    r"(?:^|\s)(?:/bin/)?(?:ba|da|z)?sh: (?:\d+: )?(?:line \d+: )?\S+: "
    r"(?:command )?not found|/bin/(?:ba)?sh: .*Permission denied|"
    r"\b(?:nc|ncat|curl|wget|python3?|perl|bash): .*(?:not found|refused|"
    r"Could not resolve)",
    re.IGNORECASE,
)
_INJECTED = re.compile(
    r"File \"<string>\", line \d+|at eval \(eval at|"
    r"at Object\.<anonymous> \(\[eval\]|evalmachine\.<anonymous>|"
    r"SyntaxError: .*\(<string>, line \d+\)"
)


@dataclass(frozen=True)
class Flag:
    kind: str
    detail: str  # host, secret type, or the matched error (never a secret value)
    sample: str  # the line, cut and masked


def _public_host(host: str) -> bool:
    host = host.strip("[]")
    if _AWS_HOST.search(host):
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith((".internal", ".local"))
    if str(ip) == "169.254.169.254":  # IMDS: Lambda has none, a request there is a probe
        return True
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_link_local)


def _secrets(message: str) -> list[tuple[str, str]]:
    """(secret type, masked value) of every credential-looking value on the line."""
    return [(m.name, mask(message[m.start : m.end])) for m in find_secrets(message)]


def masked_sample(message: str, limit: int = 240) -> str:
    out = redact(message)
    return out if len(out) <= limit else out[:limit] + "..."


def flags(message: str) -> list[Flag]:
    """Every red flag on one application line (the caller screened it with SCREEN)."""
    out: list[Flag] = []
    secrets = _secrets(message)
    sample = masked_sample(message)
    for kind, shown in secrets:
        out.append(Flag("log-credential-leak", f"{kind} {shown}", sample))
    hosts = [
        m.group("host") + (f":{m.group('port')}" if m.group("port") else "")
        for m in _URL.finditer(message)
    ]
    if _CONNECT.search(message):
        hosts += [
            m.group("host") + (f":{m.group('port')}" if m.group("port") else "")
            for m in _IP_PORT.finditer(message)
        ]
    for host in dict.fromkeys(hosts):
        if _public_host(host.rsplit(":", 1)[0] if host.count(":") == 1 else host):
            out.append(Flag("log-outbound-connection", host.lower(), sample))
    if _SHELL.search(message):
        out.append(Flag("process-exec", "shell or tool error", sample))
    if _INJECTED.search(message):
        out.append(Flag("dynamic-exec", "error inside evaluated code", sample))
    return out
