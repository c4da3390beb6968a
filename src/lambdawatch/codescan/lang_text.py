"""Tolerant line scanner: shell scripts, ``bootstrap``, wrappers, and Python that ``ast`` rejects.

It reads commands and calls with regular expressions, so it never fails; it sees less than the
parsers (no scopes), which the checks accept as lower precision.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.ir import Assign, Call, EnvRead, Expr, Facts, Literal

CALL_RE = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
STR_RE = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")
IDENT_RE = re.compile(r"[A-Za-z_][\w.]*")
SH_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
PY_ENV = re.compile(r"(?:environ\[|environ\.get\(|getenv\(|process\.env\.)\s*['\"]?([A-Za-z_]\w*)")
ASSIGN_RE = re.compile(
    r"^\s*(?:export\s+|local\s+|var\s+|let\s+|const\s+)?([A-Za-z_]\w*)\s*=(?!=)(.*)"
)
SEGMENT = re.compile(r"\|\|?|&&|;|\$\(|`")
PY2_EXEC = re.compile(r"^\s*exec\s+(?!\()(.+)")
SH_WORD = re.compile(r"^\s*(?:sudo\s+|exec\s+|nohup\s+)?([\w./-]+)")
# A shell command that prints the whole environment: ``env``, ``printenv``, ``set``,
# ``export -p``, ``declare -px``, ``cat /proc/self/environ``, ``strings /proc/1/environ``.
ENV_DUMP = re.compile(
    r"(?:^|[|;&`(]|\$\()\s*(?:env|printenv|set|export\s+-p|declare\s+-[a-z]*[px][a-z]*"
    r"|compgen\s+-v)\s*(?:$|[|;&>)`])|/proc/[^/\s'\"]+/environ"
)
HEREDOC = re.compile(r"\b(python3?|node|perl|ruby|php|bash|sh)\b[^<\n]*<<-?\s*['\"]?(\w+)['\"]?")
INLINE = re.compile(r"\b(python3?|node|perl)\s+(?:-\w+\s+)*-[ce]\s+(['\"])(.+?)\2")
KEYWORDS = frozenset(
    {
        "function",
        "if",
        "for",
        "while",
        "switch",
        "catch",
        "return",
        "typeof",
        "with",
        "await",
        "async",
        "elif",
        "not",
        "and",
        "or",
        "in",
        "yield",
    }
)
B64_CMD = re.compile(r"\bbase64\s+(?:-d|--decode|-D)\b|\bopenssl\s+(?:enc\s+)?-?base64\s+-d")


def _expr(text: str) -> Expr:
    strings = tuple(a or b for a, b in STR_RE.findall(text))
    env = [k for k in SH_VAR.findall(text)] + PY_ENV.findall(text)
    if re.search(r"\bos\.environ\b(?!\s*[\[.])|process\.env\b(?!\.)", text) or ENV_DUMP.search(
        text
    ):
        env.append("*")
    names = frozenset(IDENT_RE.findall(text)) | frozenset(SH_VAR.findall(text))
    calls = set(CALL_RE.findall(text))
    if B64_CMD.search(text):
        calls.add("base64.b64decode")
    return Expr(names, frozenset(calls), strings + tuple(text.split()), tuple(env))


def scan_text(text: str, language: str) -> Facts:
    """Facts of a script (``language`` = ``shell``) or code the parsers rejected."""
    facts = Facts(language)
    shell = language == "shell"
    lines = text.splitlines()
    heredoc_end: str | None = None
    for i, raw in enumerate(lines, 1):
        if heredoc_end is not None:
            if raw.strip() == heredoc_end:
                heredoc_end = None
            continue
        # Long (minified) lines are read statement by statement, each bounded.
        for line in [raw] if len(raw) <= 4000 else _chunks(raw):
            _scan_line(line, i, facts, shell)
        if shell:
            heredoc_end = _embedded(raw, i, lines, facts)
    return facts


def _embedded(line: str, i: int, lines: list[str], facts: Facts) -> str | None:
    """Code handed to an interpreter inside a script (``python - <<EOF``, ``node -e '...'``)
    is parsed as what it is and its facts merged at their real lines. Returns the heredoc
    delimiter to skip to, if any."""
    m = HEREDOC.search(line)
    if m:
        body: list[str] = []
        for nxt in lines[i:]:
            if nxt.strip() == m.group(2):
                break
            body.append(nxt)
        facts.calls.append(Call(f"interp:{m.group(1)}", i, _expr(line), shell=True))
        _merge(facts, _parse_code(m.group(1), "\n".join(body)), i)
        return m.group(2)
    m2 = INLINE.search(line)
    if m2:
        facts.calls.append(Call(f"interp:{m2.group(1)}", i, _expr(line), shell=True))
        _merge(facts, _parse_code(m2.group(1), m2.group(3)), i - 1)
    return None


def _parse_code(interp: str, code: str) -> Facts:
    if interp.startswith("python"):
        from lambdawatch.codescan.lang_python import parse_python

        facts = parse_python(code)
        return scan_text(code, "python") if facts.parse_error else facts
    if interp == "node":
        from lambdawatch.codescan.lang_js import parse_js

        return parse_js(code)
    return scan_text(code, "shell" if interp in {"bash", "sh"} else interp)


def _merge(facts: Facts, sub: Facts, offset: int) -> None:
    facts.calls += [replace(c, line=c.line + offset) for c in sub.calls]
    facts.assigns += [replace(a, line=a.line + offset) for a in sub.assigns]
    facts.literals += [replace(lit, line=lit.line + offset) for lit in sub.literals]
    facts.env_reads += [replace(r, line=r.line + offset) for r in sub.env_reads]
    facts.returns += [replace(r, line=r.line + offset) for r in sub.returns]
    for k, v in sub.consts.items():
        facts.consts.setdefault(k, v)


def expand_commands(facts: Facts) -> Facts:
    """Parse the command line of every process call with the shell front end and add what it
    does (downloads, pipes into interpreters, env dumps, reverse shells) at the call's line,
    carrying the call's own arguments so flows (credentials, hosts) reach the inner commands."""
    for call in list(facts.calls):
        if not call.command or call.command == "X":
            continue
        sub = scan_text(call.command, "shell")
        facts.calls += [
            replace(c, line=call.line, args=c.args | call.args, shell=True) for c in sub.calls
        ]
        facts.env_reads += [replace(r, line=call.line) for r in sub.env_reads]
        facts.literals += [Literal(call.command, call.line)]
    return facts


def _chunks(raw: str, size: int = 2000) -> list[str]:
    """Cut a minified line at statement ends into pieces of about ``size`` characters."""
    out, cur = [], ""
    for stmt in raw.split(";"):
        if len(cur) + len(stmt) > size and cur:
            out.append(cur)
            cur = ""
        cur = f"{cur};{stmt}" if cur else stmt[:4000]
    return [*out, cur] if cur else out


def _scan_line(line: str, i: int, facts: Facts, shell: bool) -> None:
    if line.lstrip().startswith("#") and not line.startswith("#!"):
        return
    if not shell and line.lstrip().startswith(("//", "/*", "* ")):
        return  # a JavaScript comment read by the tolerant scanner
    ex = _expr(line)
    for k in ex.env:
        facts.env_reads.append(EnvRead(k, i))
    for s in ex.strings[: len(STR_RE.findall(line))]:
        facts.literals.append(Literal(s, i))
    m = ASSIGN_RE.match(line)
    if m:
        facts.assigns.append(Assign((m.group(1),), _expr(m.group(2)), i))
        val = m.group(2).strip().strip("'\"")
        if val and " " not in val:
            facts.consts[m.group(1)] = val
    if shell:
        _shell_calls(line, i, ex, facts)
    else:
        for name in CALL_RE.findall(line):
            if name in KEYWORDS:
                continue  # ``function (`` / ``if (`` are syntax, not calls of ``Function``
            first = STR_RE.search(line[line.find(name) :])
            command = (first.group(1) or first.group(2)) if first and tx.is_process(name) else ""
            facts.calls.append(Call(name, i, ex, command=command))
        m2 = PY2_EXEC.match(line)
        if m2:
            facts.calls.append(Call("exec", i, _expr(m2.group(1))))


def _shell_calls(line: str, i: int, ex: Expr, facts: Facts) -> None:
    segments = [s for s in SEGMENT.split(line) if s.strip()]
    piped_from_net = False
    for seg in segments:
        m = SH_WORD.match(seg)
        if not m:
            continue
        cmd = m.group(1).rsplit("/", 1)[-1]
        interp = cmd in {"sh", "bash", "zsh", "dash", "python", "python3", "node", "perl"}
        if cmd in {"eval", "source", "."} or interp and (piped_from_net or " -c" in seg):
            args = ex if piped_from_net or cmd == "eval" else _expr(seg)
            if piped_from_net:
                args = args | Expr(calls=frozenset({"curl"}))
            facts.calls.append(Call("eval", i, args, shell=True))
        elif cmd in {"curl", "wget", "nc", "ncat", "socat", "telnet"}:
            facts.calls.append(Call(cmd, i, ex))
            piped_from_net = True
        else:
            facts.calls.append(Call(f"cmd:{cmd}", i, _expr(seg)))
