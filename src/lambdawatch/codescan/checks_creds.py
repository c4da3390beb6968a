"""CS2xx: credentials and secrets: environment harvest, exfiltration, Secrets Manager, SSM, IAM."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext, external_net_calls, mentions
from lambdawatch.codescan.ir import Expr, norm
from lambdawatch.codescan.model import Severity as S


@check(
    "CS201",
    "credential-env-read",
    "env-credential-harvest",
    "Reads AWS credentials or the whole environment",
    S.MEDIUM,
    "medium",
)
def env_harvest(ctx: FileContext) -> Iterator[Hit]:
    """Reads ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN`` (or another secret-named
    variable): medium. Reading the whole environment (``dict(os.environ)``,
    ``JSON.stringify(process.env)``, ``env``): low. Alone this is weak evidence; sent away it
    becomes CS202."""
    seen: set[int] = set()
    for r in sorted(ctx.facts.env_reads, key=lambda r: r.line):
        if r.line in seen or not tx.is_cred_env(r.key):
            continue
        seen.add(r.line)
        yield Hit(
            r.line,
            f"reads {'the whole environment' if r.key == '*' else r.key}",
            S.LOW if r.key == "*" else None,
        )


@check(
    "CS202",
    "credentials-sent-to-external-host",
    "credential-exfiltration",
    "Credentials or environment sent to a non-AWS host",
    S.CRITICAL,
    "high",
)
def exfiltration(ctx: FileContext) -> Iterator[Hit]:
    """A network call whose arguments carry credentials (environment keys, the whole
    environment, ``get_credentials()``, a secret value) to a host outside AWS and loopback:
    critical. To a host the scanner cannot resolve: high. When the file reads credentials and
    calls a hard-coded external host without a traced flow: high."""
    ext = external_net_calls(ctx)
    traced = False
    for c in ctx.calls(tx.is_net):
        if not ctx.is_cred(c.args):
            continue
        dest = ctx.destinations(c)
        if dest.get("external"):
            traced = True
            yield Hit(c.line, f"credentials sent to {', '.join(dest['external'])}")
        elif not dest:
            traced = True
            yield Hit(c.line, "credentials sent to an unresolved host", S.HIGH)
    creds = any(tx.is_cred_env(r.key) for r in ctx.facts.env_reads)
    if not traced and creds and ext:
        c, hosts = ext[0]
        yield Hit(c.line, f"file reads credentials and calls {', '.join(hosts)}", S.HIGH)


@check(
    "CS203",
    "secrets-manager-read",
    "secrets-manager-access",
    "Reads a Secrets Manager secret value",
    S.LOW,
    "high",
)
def secrets_manager(ctx: FileContext) -> Iterator[Hit]:
    """``GetSecretValue`` calls (SDK or the Parameters and Secrets extension's
    ``/secretsmanager/get``). Normal in rotation functions; low unless a flow raises it."""
    for c in ctx.facts.calls:
        if tx.has_verb(c.callee, tx.SECRET_READS):
            yield Hit(c.line, f"{c.callee}")
    for n in mentions(ctx, ("/secretsmanager/get",)):
        yield Hit(n, "Parameters and Secrets extension: secret read")


@check(
    "CS204",
    "ssm-parameter-read",
    "ssm-parameter-access",
    "Reads an SSM Parameter Store parameter",
    S.LOW,
    "high",
)
def ssm_parameter(ctx: FileContext) -> Iterator[Hit]:
    """``GetParameter(s)`` calls or the extension's ``/systemsmanager/parameters/get``."""
    for c in ctx.facts.calls:
        if tx.has_verb(c.callee, tx.SSM_READS) and "secretsmanager" not in norm(c.callee):
            yield Hit(c.line, f"{c.callee}")
    for n in mentions(ctx, ("/systemsmanager/parameters/get",)):
        yield Hit(n, "Parameters and Secrets extension: parameter read")


@check(
    "CS205",
    "iam-user-or-key-creation",
    "iam-manipulation",
    "Creates IAM users, access keys or grants policies",
    S.HIGH,
    "high",
)
def iam(ctx: FileContext) -> Iterator[Hit]:
    """IAM ``CreateUser``, ``CreateAccessKey``, ``AttachUserPolicy``, ``CreateLoginProfile``,
    ``UpdateAssumeRolePolicy``... from function code (persistence): high. A new access key is
    judged by where it goes: stored in Secrets Manager only (key rotation) is low; sent to a
    non-AWS host, logged or returned from the function is critical. Other IAM calls are
    critical when the file also calls an external host."""
    iam_file = any("iam" in norm(c.callee) for c in ctx.facts.calls)
    exfil = bool(external_net_calls(ctx))
    keys = taint(ctx, lambda ex: any(tx.has_verb(c, ("createaccesskey",)) for c in ex.calls))
    for c in ctx.facts.calls:
        n = norm(c.callee)
        if not (tx.has_verb(c.callee, tx.IAM_VERBS) and (iam_file or n.startswith("aws.iam"))):
            continue
        verb = c.callee.rsplit(".", 1)[-1]
        if tx.has_verb(c.callee, ("createaccesskey",)):
            where = key_destination(ctx, keys)
            if where == "stored":
                yield Hit(c.line, f"IAM {verb}: key stored in Secrets Manager (rotation)", S.LOW)
            elif where:
                yield Hit(c.line, f"IAM {verb}: the new key is {where}", S.CRITICAL)
            else:
                yield Hit(c.line, f"IAM {verb}")
            continue
        yield Hit(
            c.line,
            f"IAM {verb}" + (" with an external network call in the same file" if exfil else ""),
            S.CRITICAL if exfil else None,
        )


def key_destination(ctx: FileContext, keys: set[str]) -> str:
    """Where names holding a new access key go: ``sent to HOST``, ``logged``, ``returned``,
    ``stored`` (Secrets Manager only) or ``""`` (nowhere traced)."""
    if not keys:
        return ""
    for c in ctx.facts.calls:
        if not c.args.names & keys:
            continue
        if tx.is_net(c.callee):
            hosts = ctx.destinations(c)
            if hosts.get("external") or not hosts:
                return f"sent to {', '.join(hosts.get('external', ['an unresolved host']))}"
        if tx.is_log(c.callee):
            return "logged"
    if ctx.facts.handler and any(
        r.value.names & keys and not any(tx.is_net(c) for c in r.value.calls)
        for r in ctx.facts.returns
    ):
        return "returned from the function"
    stored = any(
        tx.has_verb(c.callee, tx.SECRET_STORES) and c.args.names & keys for c in ctx.facts.calls
    )
    return "stored" if stored else ""


PROC_ENVIRON = re.compile(r"/proc/[^/\s'\"]+/environ")
ENV_COMMAND = re.compile(r"^\s*(?:env|printenv|export -p|set)\s*$")
# Calls a dumped environment passes through unchanged on its way to a sink.
PASS_THROUGH = frozenset(
    {
        "dict",
        "dumps",
        "str",
        "repr",
        "list",
        "stringify",
        "copy",
        "sorted",
        "items",
        "format",
        "tostring",
        "assign",
        "entries",
        "keys",
        "encode",
        "fromentries",
        "read",
        "readfilesync",
        "decode",
        "join",
        "pformat",
    }
)


@check(
    "CS206",
    "environment-dumped",
    "env-credential-harvest",
    "Environment or AWS credentials written to a log, file or response",
    S.HIGH,
    "high",
)
def env_dump(ctx: FileContext) -> Iterator[Hit]:
    """The whole environment (``os.environ``, ``process.env``, ``/proc/self/environ``, ``env``)
    or the function's AWS credentials (``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``)
    copied into a log line, a file, an HTTP response or the handler's return value: anyone
    who reads the logs or calls the function gets the role's keys. Reading one variable
    (``os.environ.get("STAGE")``, ``"X" in os.environ``) does not fire."""
    dumps: set[str] = set()

    def carries(ex: Expr) -> bool:
        if any(PROC_ENVIRON.search(s) for s in ex.strings[:20]) or (
            any(tx.is_process(c) for c in ex.calls)
            and any(ENV_COMMAND.match(s) for s in ex.strings[:20])
        ):
            return True  # /proc/self/environ or `env` read through open() or a process
        if any(norm(c).rsplit(".", 1)[-1] not in PASS_THROUGH for c in ex.calls):
            return False  # a result of another call (a request, a child process run with env=)
        return any(k in tx.AWS_CRED_ENV for k in ex.env) or bool((ex.names - ex.picked) & dumps)

    for _ in range(4):
        before = len(dumps)
        for a in ctx.facts.assigns:
            if carries(a.value):
                dumps.update(a.names)
        if len(dumps) == before:
            break

    for c in ctx.facts.calls:
        if c.command or not carries(c.args):
            continue
        sink = (
            "a log line"
            if tx.is_log(c.callee)
            else "a file"
            if tx.is_file_write(c.callee)
            else "the response"
            if tx.is_response(c.callee)
            else ""
        )
        if sink:
            yield Hit(c.line, f"environment or AWS credentials written to {sink} ({c.callee})")
    if ctx.facts.handler:
        for r in ctx.facts.returns:
            if carries(r.value):
                yield Hit(r.line, "environment or AWS credentials returned to the caller")


def taint(ctx: FileContext, seed: Callable[[Expr], bool]) -> set[str]:
    """Names assigned from an expression ``seed`` accepts, through assignments (bounded)."""
    names: set[str] = set()
    for _ in range(4):
        before = len(names)
        for a in ctx.facts.assigns:
            if seed(a.value) or a.value.names & names:
                names.update(a.names)
        if len(names) == before:
            break
    return names
