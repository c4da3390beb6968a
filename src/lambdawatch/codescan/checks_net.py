"""CS1xx: network: reverse shells, outbound connections to hard-coded hosts, metadata endpoints."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.exfil import service_of_host, service_of_text
from lambdawatch.codescan.flows import FileContext, mentions
from lambdawatch.codescan.hosts import METADATA_HOSTS, classify, is_ip
from lambdawatch.codescan.model import Severity as S

METADATA_IPS = tuple(h for h in METADATA_HOSTS if h[0].isdigit() and "." in h)
REVSHELL_TEXT = re.compile(
    r"/dev/(?:tcp|udp)/|\bnc(?:at)?\b[^\n|;]*\s-[ec]\s|\bsocat\b[^\n]*\bexec:|"
    r"\bbash\s+-i\s*>&|\bmkfifo\b[^\n]*\bnc\b|\bsh\s+-i\s*[<>]&"
)


@check(
    "CS101",
    "socket-wired-to-shell",
    "reverse-shell",
    "Socket wired to an interactive shell",
    S.CRITICAL,
    "high",
)
def reverse_shell(ctx: FileContext) -> Iterator[Hit]:
    """A network socket whose descriptors are handed to a shell (``dup2``/``pty.spawn``, a
    spawned shell piped into a socket), or a classic one-line reverse shell (``/dev/tcp/``,
    ``nc -e``, ``bash -i >&``). Fires on the line that starts the shell."""
    seen: set[int] = set()
    for i, text in enumerate(ctx.lines, 1):
        if REVSHELL_TEXT.search(text) and len(text) < 2000:
            seen.add(i)
            yield Hit(i, "one-line reverse shell")
    for c in ctx.facts.calls:
        if c.command and c.line not in seen and REVSHELL_TEXT.search(c.command[:2000]):
            seen.add(c.line)
            yield Hit(c.line, f"{c.callee} runs a reverse shell: {c.command[:80]}")
    if not ctx.has_call(tx.is_socket) or not ctx.has_call(tx.is_wiring):
        return
    shell_lit = bool(mentions(ctx, tx.SHELLS))
    for c in ctx.facts.calls:
        if c.line in seen:
            continue
        spawns_shell = tx.is_process(c.callee) and (
            shell_lit or any(s in " ".join(c.args.strings) for s in tx.SHELLS)
        )
        if spawns_shell or c.callee == "pty.spawn":
            seen.add(c.line)
            yield Hit(c.line, f"socket wired to a shell via {c.callee}")


@check(
    "CS102",
    "connection-to-hardcoded-host",
    "outbound-connection",
    "Network call to a hard-coded external host",
    S.MEDIUM,
    "medium",
)
def outbound(ctx: FileContext) -> Iterator[Hit]:
    """A network call whose destination is a literal (or a constant) host outside AWS and
    loopback. A raw public IP address is high; a host name is medium. The evidence names the
    host next to the call that uses it."""
    for c in ctx.calls(tx.is_net):
        ext = ctx.destinations(c).get("external", [])
        if ext:
            sev = S.HIGH if any(is_ip(h) for h in ext) else S.MEDIUM
            yield Hit(c.line, f"{c.callee} to {', '.join(ext)}", sev)


@check(
    "CS103",
    "metadata-endpoint-request",
    "imds-access",
    "Request to the instance or container metadata endpoint",
    S.HIGH,
    "high",
)
def imds(ctx: FileContext) -> Iterator[Hit]:
    """A URL or connection to ``169.254.169.254`` / ``169.254.170.2`` (credential theft from
    the metadata service). A metadata address that only appears in a list, set or comparison
    (an SSRF blocklist) does not fire."""
    lines = set()
    for lit in ctx.facts.literals:
        url = "://" in lit.value or "/latest/" in lit.value
        if lit.context == "code" and url and any(h in lit.value for h in METADATA_IPS):
            lines.add(lit.line)
    for c in ctx.calls(tx.is_net):
        if ctx.destinations(c).get("metadata"):
            lines.add(c.line)
    for n in sorted(lines):
        yield Hit(n, "metadata endpoint (instance/container credentials)")


@check(
    "CS104",
    "exfil-service-endpoint",
    "outbound-connection",
    "Network call to a data-capture, tunnelling or paste service",
    S.HIGH,
    "high",
)
def exfil_service(ctx: FileContext) -> Iterator[Hit]:
    """A network call (including ``curl``/``wget``/``nc`` inside a shell command) to a service
    attackers use to receive stolen data or tunnel in: request-capture sites (webhook.site,
    Pipedream/RequestBin), tunnels (ngrok, trycloudflare), out-of-band interaction hosts
    (interactsh, Burp Collaborator), paste sites, Discord/Telegram webhooks. High even without
    a traced credential flow; the service is named. Listed in ``data/exfil_hosts.yml``; flow
    analysis (CS202) still judges any other host."""
    seen: set[int] = set()
    for c in ctx.calls(tx.is_net):
        texts = list(c.args.strings) + [
            ctx.facts.consts[n] for n in sorted(c.args.names) if n in ctx.facts.consts
        ]
        found = [s for h in ctx.hosts(c.args) if (s := service_of_host(h))]
        found += [s for t in texts if (s := service_of_text(t))]
        if found and c.line not in seen:
            seen.add(c.line)
            yield Hit(c.line, f"{c.callee} sends to {found[0]}")


__all__ = ["classify", "exfil_service", "imds", "outbound", "reverse_shell"]
