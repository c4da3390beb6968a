"""CS3xx: code execution: decoded payloads executed, dynamic exec, processes, obfuscation."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.ir import norm
from lambdawatch.codescan.model import Severity as S

BLOB_RE = re.compile(r"^[A-Za-z0-9+/=_\-\s\\x]+$")
HEX_IDENT = re.compile(r"\b_0x[0-9a-f]{4,6}\b")
# A command string that pipes a download into an interpreter: ``curl -s URL | sh``.
FETCH_PIPE = re.compile(
    r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?"
    r"(?:ba|z|da|k)?sh\b|\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:python3?|perl|node)\b"
)
SHELL_PROGRAMS = frozenset(
    {
        "sh",
        "bash",
        "zsh",
        "dash",
        "ash",
        "ksh",
        "python",
        "python3",
        "node",
        "perl",
        "curl",
        "wget",
        "nc",
        "ncat",
        "socat",
        "telnet",
    }
)
PACKERS = (
    "pyarmor",
    "__pyarmor__",
    "pyobfuscate",
    "eval(function(p,a,c,k,e,",
    "javascript-obfuscator",
)


@check(
    "CS301",
    "exec-of-decoded-payload",
    "dynamic-exec",
    "Decoded or downloaded payload executed",
    S.CRITICAL,
    "high",
)
def exec_payload(ctx: FileContext) -> Iterator[Hit]:
    """``exec``/``eval``/``new Function``/``vm`` or a process launch whose argument is a
    base64/hex/zlib-decoded literal or a blob fetched from the network (``curl | sh``)."""
    for c in ctx.facts.calls:
        if (tx.is_exec(c.callee) or tx.is_process(c.callee)) and ctx.is_payload(c.args):
            yield Hit(c.line, f"{c.callee} runs a decoded or downloaded payload")
        elif tx.is_process(c.callee) and any(FETCH_PIPE.search(v) for v in c.args.strings):
            yield Hit(c.line, f"{c.callee} pipes a download into an interpreter")


@check("CS302", "dynamic-code-exec", "dynamic-exec", "Dynamic code execution", S.MEDIUM, "medium")
def dynamic_exec(ctx: FileContext) -> Iterator[Hit]:
    """``exec``/``eval``/``compile``/``new Function``/``vm.runInThisContext`` with an argument
    that is not traced to a decoder or download (those are CS301)."""
    for c in ctx.facts.calls:
        if (
            tx.is_exec(c.callee)
            and not ctx.is_payload(c.args)
            and c.callee not in {"importlib.import_module", "source"}
        ):
            yield Hit(c.line, f"{c.callee} of computed code")


@check("CS303", "base64-decode", "base64-decode", "Base64 decoding", S.LOW, "low")
def base64_decode(ctx: FileContext) -> Iterator[Hit]:
    """A base64 decode. Routine for Kinesis, Firehose and CloudWatch Logs records; only raised
    when the result is executed (CS301)."""
    for line in sorted({c.line for c in ctx.facts.calls if tx.is_base64(c.callee)}):
        yield Hit(line, "base64 decode")


@check(
    "CS304",
    "process-launch",
    "process-exec",
    "Launches a process or shell command",
    S.MEDIUM,
    "medium",
)
def process_exec(ctx: FileContext) -> Iterator[Hit]:
    """``subprocess``/``os.system``/``child_process``. A fixed program (a literal first
    argument, no shell) such as a bundled ffmpeg is low; a shell string or computed command is
    medium."""
    for c in ctx.calls(tx.is_process):
        if ctx.role in {"bootstrap", "wrapper"} or ctx.facts.language == "shell":
            continue
        first = c.args.strings[0].rsplit("/", 1)[-1] if c.args.strings else ""
        shell_text = first in SHELL_PROGRAMS or norm(c.callee).endswith(
            ("childprocess.exec", "childprocess.execsync", ".popen", "getoutput")
        )
        fixed = (
            c.args.strings
            and not c.shell
            and not shell_text
            and "system" not in c.callee
            and (
                c.literal_args
                or not c.args.names
                or c.callee.endswith(("spawn", "execFile", "spawnSync"))
            )
        )
        yield Hit(
            c.line, f"{c.callee}" + (" (fixed program)" if fixed else ""), S.LOW if fixed else None
        )


def _entropy(s: str) -> float:
    counts = Counter(s)
    return -sum(n / len(s) * math.log2(n / len(s)) for n in counts.values())


@check("CS305", "obfuscated-code", "obfuscation", "Obfuscated or packed code", S.MEDIUM, "medium")
def obfuscation(ctx: FileContext) -> Iterator[Hit]:
    """A long high-entropy encoded literal (base64/hex blob of 512+ characters), ``marshal``
    byte code, packer markers (PyArmor, ``eval(function(p,a,c,k,e,``), or a
    javascript-obfuscator identifier storm (``_0x`` names). High when the file also executes
    dynamic code."""
    execs = ctx.has_call(tx.is_exec)
    sev = S.HIGH if execs else None
    for lit in ctx.facts.literals:
        v = lit.value
        if len(v) >= 512 and BLOB_RE.match(v[:4096]) and _entropy(v[:4096]) > 4.0:
            yield Hit(lit.line, f"encoded blob of {len(v)} characters", sev, v[:24] + "...")
    for c in ctx.facts.calls:
        if c.callee == "marshal.loads":
            yield Hit(c.line, "marshal byte code loaded", sev)
    for i, text in enumerate(ctx.lines, 1):
        low = text[:4096].lower()
        if any(p in low for p in PACKERS):
            yield Hit(i, "packer or obfuscator marker", sev, text.strip()[:80])
        elif len(HEX_IDENT.findall(text[:20000])) >= 20:
            yield Hit(i, "javascript-obfuscator identifiers", sev, text.strip()[:80])
