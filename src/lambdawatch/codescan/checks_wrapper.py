"""CS402: exec wrappers and bootstraps that do more than start the runtime.

An ``AWS_LAMBDA_EXEC_WRAPPER`` script sets options and ends in ``exec "$@"``. Anything else
in it (or in a ``bootstrap``: background processes, interpreters fed by heredocs or ``-c``/
``-e``, network, writing to ``/tmp`` and running it, sourcing other files) runs before every
cold start with the function's credentials.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.hosts import classify
from lambdawatch.codescan.ir import Call
from lambdawatch.codescan.model import Severity as S

SETS_CONTROL = re.compile(r"(AWS_LAMBDA_EXEC_WRAPPER|LD_PRELOAD)['\"]?\]?\s*(?:=(?!=)|:\s*\S)")
# Lines a wrapper may hold: options, variables, argument shuffling, control flow, the exec.
BENIGN_LINE = re.compile(
    r"""^(?:$|\#|set\s+[-+]\w+|(?:export\s+|local\s+|readonly\s+|declare\s+-\w+\s+)?
    [A-Za-z_]\w*(?:\[\w*\])?\+?=(?!.*(?:\$\(|`))\S*|unset\s+\w+|shift\b|
    exec\s+"?\$(?:@|\{@\}|\{?\w+\[@\]\}?)"?\s*$|exec\s+"?\$\{?\w+\[@\]\}?"?|
    (?:if|then|else|elif|fi|for|do|done|while|case|esac|in)\b|;;|\}|\{|
    (?:echo|printf)\s(?!.*(?:\$\(|`))[^|;&]*(?:>&2)?\s*$|:\s*$)""",
    re.VERBOSE,
)
BACKGROUND = re.compile(r"(?<![&>])&\s*(?:$|#)|\b(?:nohup|setsid|disown)\b")
TMP_WRITE = re.compile(r">\s*['\"]?/(?:tmp|dev/shm)/|\b(?:cp|mv|tee|install)\b[^\n]*\s/tmp/")
HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")
RUNTIME_API_HOSTS = ("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001", "localhost:9001")


@check(
    "CS402",
    "exec-wrapper-hijack",
    "runtime-api-hijack",
    "Exec wrapper or bootstrap does more than start the runtime",
    S.MEDIUM,
    "medium",
)
def exec_wrapper(ctx: FileContext) -> Iterator[Hit]:
    """In an exec wrapper (a script ending in ``exec "$@"``) any line beyond options,
    variables and the final ``exec`` is medium: background processes, heredoc or ``-c``/``-e``
    interpreters (their code is parsed and checked too), ``/tmp`` writes, other commands. In
    a wrapper or ``bootstrap``, network outside the Runtime API, credential reads sent
    anywhere, or decoded code run are high. Code anywhere that sets
    ``AWS_LAMBDA_EXEC_WRAPPER`` or ``LD_PRELOAD`` is high."""
    for i, text in enumerate(ctx.lines, 1):
        if SETS_CONTROL.search(text) and (
            "export" in text or "environ" in text or "process.env" in text or "env" in text
        ):
            yield Hit(i, "sets a runtime control variable", S.HIGH)
    if ctx.role not in {"wrapper", "bootstrap"} or ctx.facts.language != "shell":
        return
    high: dict[int, str] = {}
    for c in ctx.facts.calls:
        if c.line not in high and (why := _dangerous(ctx, c)):
            high[c.line] = why  # the first reason on a line (the network before its payload)
    interp = {
        c.line: c.callee.split(":", 1)[1] for c in ctx.facts.calls if c.callee.startswith("interp:")
    }
    for i, raw in enumerate(ctx.lines, 1):
        text = raw.strip()
        if i in high:
            yield Hit(i, f"{ctx.role} {high[i]}", S.HIGH)
        elif i in interp:
            yield Hit(i, f"{ctx.role} runs inline {interp[i]} code")
        elif BACKGROUND.search(text) and not text.startswith("#"):
            yield Hit(i, f"{ctx.role} starts a background process")
        elif TMP_WRITE.search(text):
            yield Hit(i, f"{ctx.role} writes into /tmp")
        elif ctx.role == "wrapper" and not BENIGN_LINE.match(text) and not _inside_heredoc(ctx, i):
            yield Hit(i, "wrapper runs a command besides setting options", S.MEDIUM)


def _dangerous(ctx: FileContext, c: Call) -> str:
    if tx.is_net(c.callee):
        dest = ctx.destinations(c)
        raw = " ".join(c.args.strings)
        if any(h in raw for h in RUNTIME_API_HOSTS) and not dest.get("external"):
            return ""  # the Runtime API itself (a custom runtime's loop)
        if (
            dest.get("external")
            or not dest
            or any(classify(h) == "external" for h in dest.get("external", []))
        ):
            return f"reaches the network ({c.callee})"
    if ctx.is_cred(c.args) and (tx.is_net(c.callee) or c.callee.startswith(("interp:", "cmd:"))):
        return f"handles credentials ({c.callee})"
    if ctx.is_payload(c.args) and (tx.is_exec(c.callee) or tx.is_process(c.callee)):
        return f"runs a decoded or downloaded payload ({c.callee})"
    return ""


def _inside_heredoc(ctx: FileContext, line: int) -> bool:
    """Heredoc bodies are reported through the interpreter line and their own checks."""
    opened = None
    for text in ctx.lines[: line - 1]:
        m = HEREDOC.search(text)
        if opened is None and m:
            opened = m.group(1)
        elif opened is not None and text.strip() == opened:
            opened = None
    return opened is not None
