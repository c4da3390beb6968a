"""CS401/CS403: Lambda runtime hijacking and takeover.

The Runtime API is not a hijack by mention: extensions register and poll ``/event/next``,
Logs/Telemetry subscribers subscribe, custom runtimes poll ``/runtime/invocation/next`` and
anybody may read or print ``AWS_LAMBDA_RUNTIME_API``. A hijack changes where the runtime talks
(the variable set to a proxy), steals events from inside the handler, or forwards invocation
payloads off the box. A takeover swaps the runtime itself: a decoded or downloaded program
written to ``/tmp`` or a memfd and executed, the ``bootstrap`` replaced, ``_HANDLER`` re-pointed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext, external_net_calls, mentions
from lambdawatch.codescan.ir import norm
from lambdawatch.codescan.model import Severity as S

SETS_API = re.compile(
    r"AWS_LAMBDA_RUNTIME_API['\"]?\]?\s*(?:=(?!=)|:\s*\S)|"
    r"putenv\(\s*['\"]AWS_LAMBDA_RUNTIME_API"
)
SETS_HANDLER = re.compile(
    r"(?<![\w$])_HANDLER['\"]?\]?\s*(?:=(?!=)|:\s*\S)|"
    r"putenv\(\s*['\"]_HANDLER['\"]"
)
INVOCATION = ("/runtime/invocation/",)
NEXT = ("/runtime/invocation/next",)
RUN_FROM = ("/tmp/", "/proc/self/fd/", "/proc/", "/dev/shm/")
BOOTSTRAP_PATH = re.compile(r"(?:^|/)bootstrap$|^/var/runtime/|^/opt/bootstrap$")
WRITE_MODE = re.compile(r"^[wax]b?\+?$|^[rw]\+b?$")
SH_DROP = re.compile(
    r"\b(?:curl|wget)\b[^\n]*\s-[oO]\s*['\"]?/(?:tmp|dev/shm)/|"
    r"\bbase64\s+(?:-d|--decode)\b[^\n]*>\s*['\"]?/(?:tmp|dev/shm)/"
)
SH_RUN = re.compile(r"(?:^|[;&|]\s*|\bexec\s+|\bnohup\s+|\bsetsid\s+)['\"]?/(?:tmp|dev/shm)/\S+")


@check(
    "CS401",
    "runtime-api-hijack",
    "runtime-api-hijack",
    "Lambda Runtime API hijacked (proxy, event theft or forwarding)",
    S.HIGH,
    "medium",
)
def runtime_api(ctx: FileContext) -> Iterator[Hit]:
    """Code that *sets* ``AWS_LAMBDA_RUNTIME_API`` (a proxy between the runtime and Lambda),
    a handler that polls ``/runtime/invocation/next`` itself (it receives the next caller's
    event), or code that touches invocation payloads and sends data to an external host
    (forwarding events or responses off the box). Registering an extension, subscribing to
    logs/telemetry, a custom runtime's polling loop and reading the variable do not fire."""
    for i, text in enumerate(ctx.lines, 1):
        if SETS_API.search(text) and not text.lstrip().startswith(("#", "//")):
            yield Hit(i, "sets AWS_LAMBDA_RUNTIME_API: the runtime talks to a proxy")
    if ctx.facts.handler and ctx.role != "bootstrap":
        for n in mentions(ctx, NEXT):
            yield Hit(n, "handler polls the next invocation itself (steals other events)")
    if mentions(ctx, INVOCATION):
        for c, hosts in external_net_calls(ctx):
            yield Hit(c.line, f"invocation payloads forwarded to {', '.join(hosts)}")


@check(
    "CS403",
    "runtime-takeover",
    "runtime-api-hijack",
    "Runtime replaced at run time (dropped program executed, bootstrap or handler swapped)",
    S.HIGH,
    "high",
)
def runtime_takeover(ctx: FileContext) -> Iterator[Hit]:
    """A program written to ``/tmp``, ``/dev/shm`` or a ``memfd_create`` descriptor from a
    decoded or downloaded payload and then executed (``os.execv``, ``fexecve``,
    ``child_process``, a shell line); a ``bootstrap`` (or ``/var/runtime``) written or copied at
    run time; ``_HANDLER`` re-pointed, or ``UpdateFunctionConfiguration`` changing a function's
    ``Handler``, ``Layers``, ``Runtime`` or exec wrapper from code. Running a bundled binary on a file in ``/tmp`` (ffmpeg
    on a download) does not fire: the program itself must come from ``/tmp`` or a memfd."""
    memfd = any("memfdcreate" in norm(c.callee) for c in ctx.facts.calls) or bool(
        mentions(ctx, ("memfd_create",))
    )
    dropped = memfd or any(
        (tx.is_file_write(c.callee) and ctx.is_payload(c.args))
        or norm(c.callee).endswith("urlretrieve")
        for c in ctx.facts.calls
    )
    for c in ctx.facts.calls:
        n = norm(c.callee)
        program = c.command.split()[0] if c.command.split() else ""
        runs_dropped = program.startswith(RUN_FROM) or (memfd and n in {"os.fexecve", "fexecve"})
        if dropped and (tx.is_process(c.callee) or n == "os.fexecve") and runs_dropped:
            yield Hit(c.line, f"{c.callee} runs a dropped program ({program or 'memfd'})")
        strings = [*c.args.strings, *(ctx.facts.consts.get(x, "") for x in c.args.names)]
        writes = (
            n in {"open", "io.open", "pathlib.path.open"}
            and any(WRITE_MODE.match(s) for s in strings)
            or tx.is_file_write(c.callee)
            or n.endswith(
                (
                    "shutil.copy",
                    "shutil.copyfile",
                    "shutil.copy2",
                    "shutil.move",
                    "os.rename",
                    "os.replace",
                    "copyfilesync",
                    "copyfile",
                    "renamesync",
                    "os.symlink",
                )
            )
            or n in {"cmd:cp", "cmd:mv", "cmd:install", "cmd:tee", "cmd:ln"}
        )
        if writes and any(BOOTSTRAP_PATH.search(s) for s in strings):
            yield Hit(c.line, f"{c.callee} replaces the runtime bootstrap")
    for i, text in enumerate(ctx.lines, 1):
        if SETS_HANDLER.search(text) and not text.lstrip().startswith(("#", "//")):
            yield Hit(i, "re-points the function handler (_HANDLER)")
    for c in ctx.facts.calls:
        if tx.has_verb(c.callee, ("updatefunctionconfiguration",)):
            swapped = sorted(set(c.keywords) & {"Handler", "Layers", "Runtime"}) + [
                "AWS_LAMBDA_EXEC_WRAPPER" for s in c.args.strings if "AWS_LAMBDA_EXEC_WRAPPER" in s
            ]
            if swapped:
                yield Hit(c.line, f"re-points a function's {', '.join(swapped)} at run time")
    if ctx.facts.language == "shell" and any(SH_DROP.search(t) for t in ctx.lines):
        for i, text in enumerate(ctx.lines, 1):
            if SH_RUN.search(text) and not SH_DROP.search(text):
                yield Hit(i, "runs a program dropped into /tmp")
