"""CS2xx: credentials and secrets: environment harvest, exfiltration, Secrets Manager, SSM, IAM."""

from __future__ import annotations

from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext, external_net_calls, mentions
from lambdawatch.codescan.ir import norm
from lambdawatch.codescan.model import Severity as S


@check("CS201", "credential-env-read", "env-credential-harvest",
       "Reads AWS credentials or the whole environment", S.MEDIUM, "medium")
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
        yield Hit(r.line, f"reads {'the whole environment' if r.key == '*' else r.key}",
                  S.LOW if r.key == "*" else None)


@check("CS202", "credentials-sent-to-external-host", "credential-exfiltration",
       "Credentials or environment sent to a non-AWS host", S.CRITICAL, "high")
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


@check("CS203", "secrets-manager-read", "secrets-manager-access",
       "Reads a Secrets Manager secret value", S.LOW, "high")
def secrets_manager(ctx: FileContext) -> Iterator[Hit]:
    """``GetSecretValue`` calls (SDK or the Parameters and Secrets extension's
    ``/secretsmanager/get``). Normal in rotation functions; low unless a flow raises it."""
    for c in ctx.facts.calls:
        if tx.has_verb(c.callee, tx.SECRET_READS):
            yield Hit(c.line, f"{c.callee}")
    for n in mentions(ctx, ("/secretsmanager/get",)):
        yield Hit(n, "Parameters and Secrets extension: secret read")


@check("CS204", "ssm-parameter-read", "ssm-parameter-access",
       "Reads an SSM Parameter Store parameter", S.LOW, "high")
def ssm_parameter(ctx: FileContext) -> Iterator[Hit]:
    """``GetParameter(s)`` calls or the extension's ``/systemsmanager/parameters/get``."""
    for c in ctx.facts.calls:
        if tx.has_verb(c.callee, tx.SSM_READS) and "secretsmanager" not in norm(c.callee):
            yield Hit(c.line, f"{c.callee}")
    for n in mentions(ctx, ("/systemsmanager/parameters/get",)):
        yield Hit(n, "Parameters and Secrets extension: parameter read")


@check("CS205", "iam-user-or-key-creation", "iam-manipulation",
       "Creates IAM users, access keys or grants policies", S.HIGH, "high")
def iam(ctx: FileContext) -> Iterator[Hit]:
    """IAM ``CreateUser``, ``CreateAccessKey``, ``AttachUserPolicy``, ``CreateLoginProfile``,
    ``UpdateAssumeRolePolicy``... from function code (persistence): high; critical when the same
    file also calls an external host (the new key leaves the account)."""
    iam_file = any("iam" in norm(c.callee) for c in ctx.facts.calls)
    exfil = bool(external_net_calls(ctx))
    for c in ctx.facts.calls:
        n = norm(c.callee)
        if tx.has_verb(c.callee, tx.IAM_VERBS) and (iam_file or n.startswith("aws.iam")):
            yield Hit(c.line, f"IAM {c.callee.rsplit('.', 1)[-1]}" + (
                " with an external network call in the same file" if exfil else ""),
                S.CRITICAL if exfil else None)
