"""Services attackers use to receive stolen data or tunnel in (``data/exfil_hosts.yml``)."""

from __future__ import annotations

from functools import cache

from lambdawatch.data import load


@cache
def _table() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    domains: dict[str, str] = {}
    urls: list[tuple[str, str]] = []
    for svc in load("exfil_hosts.yml").get("services", []):
        label = f"{svc['name']} ({svc['category']})"
        for d in svc.get("domains", []):
            domains[str(d).lower()] = label
        urls += [(str(u).lower(), label) for u in svc.get("urls", [])]
    return domains, tuple(urls)


def service_of_host(host: str) -> str | None:
    """The service a host belongs to (the host itself or a parent domain), if listed."""
    domains, _ = _table()
    parts = host.lower().strip(".").split(".")
    for i in range(len(parts) - 1):
        label = domains.get(".".join(parts[i:]))
        if label:
            return label
    return None


def service_of_text(text: str) -> str | None:
    """The service whose endpoint (host + path prefix) a string names, if listed."""
    _, urls = _table()
    low = text.lower()
    return next((label for u, label in urls if u in low), None)
