"""CS4xx: Lambda runtime hijacking: Runtime API use outside a bootstrap, exec-wrapper abuse."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext, mentions
from lambdawatch.codescan.model import Severity as S

SETS_CONTROL = re.compile(
    r"(AWS_LAMBDA_EXEC_WRAPPER|AWS_LAMBDA_RUNTIME_API|LD_PRELOAD)['\"]?\]?\s*=(?!=)")
RUNTIME_MARKERS = ("/2018-06-01/runtime/invocation", "AWS_LAMBDA_RUNTIME_API")


@check("CS401", "runtime-api-hijack", "runtime-api-hijack",
       "Lambda Runtime API used outside the runtime bootstrap", S.HIGH, "medium")
def runtime_api(ctx: FileContext) -> Iterator[Hit]:
    """Code that polls ``/2018-06-01/runtime/invocation/next`` or reads
    ``AWS_LAMBDA_RUNTIME_API`` from a handler, a layer module or an extension can read every
    event and answer in the function's place. A custom runtime's ``bootstrap`` does this by
    design and does not fire."""
    if ctx.role == "bootstrap":
        return
    lines = set(mentions(ctx, RUNTIME_MARKERS))
    lines |= {r.line for r in ctx.facts.env_reads if r.key == "AWS_LAMBDA_RUNTIME_API"}
    for i, text in enumerate(ctx.lines, 1):
        if ctx.facts.language == "shell" and any(m in text for m in RUNTIME_MARKERS):
            lines.add(i)
    for n in sorted(lines):
        yield Hit(n, "Runtime API access outside the bootstrap")


@check("CS402", "exec-wrapper-hijack", "runtime-api-hijack",
       "Exec wrapper or runtime variable tampering", S.HIGH, "medium")
def exec_wrapper(ctx: FileContext) -> Iterator[Hit]:
    """An exec-wrapper script (``AWS_LAMBDA_EXEC_WRAPPER``; ends in ``exec "$@"``) that also
    reaches the network, reads credentials or runs decoded code, or code that sets
    ``AWS_LAMBDA_EXEC_WRAPPER`` / ``AWS_LAMBDA_RUNTIME_API`` / ``LD_PRELOAD`` itself."""
    for i, text in enumerate(ctx.lines, 1):
        if SETS_CONTROL.search(text) and ("export" in text or "environ" in text
                                          or "process.env" in text):
            yield Hit(i, "sets a runtime control variable")
    if ctx.role != "wrapper":
        return
    for c in ctx.facts.calls:
        if tx.is_net(c.callee) or ctx.is_cred(c.args) or ctx.is_payload(c.args):
            yield Hit(c.line, f"exec wrapper runs {c.callee}")
