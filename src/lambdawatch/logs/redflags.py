"""Red flags in what a function printed, one small detector per family.

A cheap combined pattern screens each application line first; only lines it hits go through
the detectors. Values that look like secrets are never kept: evidence holds their masked form.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from lambdawatch.report.masking import mask, scan_variable

SCREEN = re.compile(
    r"://|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|connect|ENOTFOUND|EAI_AGAIN|resolve host|"
    r"AKIA|ASIA|PRIVATE KEY|secret|passw|token|api[_-]?key|gh[pousr]_|xox[abposr]-|sk_live|"
    r"not found|command not found|File \"<string>\"|<anonymous>|eval at|SyntaxError|"
    r"/bin/(?:ba)?sh|Permission denied", re.IGNORECASE)

_URL = re.compile(r"\b(?:https?|wss?|tcp|ftp)://(?:[^\s/@:]+(?::[^\s/@]*)?@)?"
                  r"(?P<host>\[[0-9a-f:]+\]|[A-Za-z0-9.-]+)(?::(?P<port>\d{1,5}))?", re.IGNORECASE)
_IP_PORT = re.compile(r"(?<![\d.])(?P<host>\d{1,3}(?:\.\d{1,3}){3})(?::(?P<port>\d{1,5}))?(?![\d.])")
_CONNECT = re.compile(r"connect|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|resolve host|"
                      r"socket|Connection (?:refused|reset|timed out)|getaddrinfo", re.IGNORECASE)
_AWS_HOST = re.compile(r"(?:^|\.)(?:amazonaws\.com(?:\.cn)?|aws\.amazon\.com|on\.aws|"
                       r"api\.aws|localhost)$", re.IGNORECASE)
_ASSIGN = re.compile(r"(?P<name>[A-Za-z_][\w.-]{0,40}?)[\"']?\s*[=:]\s*[\"']?(?P<value>[^\s\"',;}]{8,})")
_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
_SHELL = re.compile(r"(?:^|\s)(?:/bin/)?(?:ba|da|z)?sh: (?:\d+: )?(?:line \d+: )?\S+: "
                    r"(?:command )?not found|/bin/(?:ba)?sh: .*Permission denied|"
                    r"\b(?:nc|ncat|curl|wget|python3?|perl|bash): .*(?:not found|refused|"
                    r"Could not resolve)", re.IGNORECASE)
_INJECTED = re.compile(r"File \"<string>\", line \d+|at eval \(eval at|"
                       r"at Object\.<anonymous> \(\[eval\]|evalmachine\.<anonymous>|"
                       r"SyntaxError: .*\(<string>, line \d+\)")


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
    found: list[tuple[str, str]] = []
    for m in _KEY_ID.finditer(message):
        found.append(("aws-access-key-id", m.group(0)[:4] + "****"))
    for m in _ASSIGN.finditer(message):
        hit = scan_variable(m.group("name"), m.group("value"))
        if hit is not None and hit.detector not in ("high-entropy-value", "aws-access-key-id"):
            found.append((hit.detector, mask(m.group("value"))))
    if "PRIVATE KEY-----" in message:
        found.append(("private-key", mask(message)))
    return found


def masked_sample(message: str, limit: int = 240) -> str:
    out = _KEY_ID.sub(lambda m: m.group(0)[:4] + "****", message)
    out = _ASSIGN.sub(lambda m: m.group(0) if scan_variable(m.group("name"), m.group("value"))
                      is None else f"{m.group('name')}={mask(m.group('value'))}", out)
    out = re.sub(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*", "****(private key)", out, flags=re.DOTALL)
    out = re.sub(r"(://[^\s/@:]+):[^\s/@]+@", r"\1:****@", out)
    return out if len(out) <= limit else out[:limit] + "..."


def flags(message: str) -> list[Flag]:
    """Every red flag on one application line (the caller screened it with SCREEN)."""
    out: list[Flag] = []
    secrets = _secrets(message)
    sample = masked_sample(message)
    for kind, shown in secrets:
        out.append(Flag("log-credential-leak", f"{kind} {shown}", sample))
    hosts = [m.group("host") + (f":{m.group('port')}" if m.group("port") else "")
             for m in _URL.finditer(message)]
    if _CONNECT.search(message):
        hosts += [m.group("host") + (f":{m.group('port')}" if m.group("port") else "")
                  for m in _IP_PORT.finditer(message)]
    for host in dict.fromkeys(hosts):
        if _public_host(host.rsplit(":", 1)[0] if host.count(":") == 1 else host):
            out.append(Flag("log-outbound-connection", host.lower(), sample))
    if _SHELL.search(message):
        out.append(Flag("process-exec", "shell or tool error", sample))
    if _INJECTED.search(message):
        out.append(Flag("dynamic-exec", "error inside evaluated code", sample))
    return out
