"""Host and IP classification: which destinations are AWS, loopback, metadata or external."""

from __future__ import annotations

import ipaddress
import re

URL_RE = re.compile(
    r"(?i)\b(?:https?|wss?|tcp|udp|ftp|stratum\+tcp)://\[?([A-Za-z0-9_.:\-]+?)\]?(?::\d+)?(?:[/?#\s'\"]|$)"
)
IP_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
METADATA_HOSTS = frozenset(
    {
        "169.254.169.254",
        "169.254.170.2",
        "fd00:ec2::254",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
AWS_SUFFIXES = (
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".aws.amazon.com",
    ".api.aws",
    ".on.aws",
    ".aws",
    ".amazon.com",
)
LOOPBACK = frozenset({"localhost", "0.0.0.0", "::1", "[::1]"})


def hosts_in(text: str) -> list[str]:
    """Hosts named in a string: URL authorities first, then bare IPv4 addresses."""
    found = [m.group(1).lower() for m in URL_RE.finditer(text)]
    for m in IP_RE.finditer(text):
        if m.group(1) not in found and _valid_ip(m.group(1)):
            found.append(m.group(1))
    return found


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def classify(host: str) -> str:
    """One of ``metadata``, ``loopback``, ``aws``, ``private``, ``external``."""
    host = host.strip("[]").lower()
    if host in METADATA_HOSTS:
        return "metadata"
    if host in LOOPBACK or host.endswith(".localhost"):
        return "loopback"
    if host.endswith((".localdomain", ".internal", ".local")):
        return "private"  # sandbox.localdomain: the Lambda sandbox (Telemetry API destinations)
    if host.endswith(AWS_SUFFIXES) or host in {"amazonaws.com", "aws.amazon.com"}:
        return "aws"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "external" if "." in host else "private"
    if ip.is_loopback or ip.is_unspecified:
        return "loopback"
    if ip.is_private or ip.is_link_local or ip.is_reserved and not ip.is_global:
        # RFC 5737 documentation ranges count as external: they stand in for attacker hosts.
        if (
            ip in ipaddress.ip_network("192.0.2.0/24")
            or ip in ipaddress.ip_network("198.51.100.0/24")
            or ip in ipaddress.ip_network("203.0.113.0/24")
        ):
            return "external"
        return "private"
    return "external"


def is_ip(host: str) -> bool:
    return _valid_ip(host.strip("[]"))
