"""CS207-CS209: infrastructure backdoors opened from function code.

A function with the right role can open a security group to the world, inject an IAM user or
role into a CloudFormation template or stack, or grant a policy to a principal named by the
invoking event (anyone who can invoke it chooses who gets the access). Reported with the flow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.checks_creds import taint
from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.hosts import classify
from lambdawatch.codescan.ir import Expr
from lambdawatch.codescan.model import Severity as S

SG_VERBS = (
    "authorizesecuritygroupingress",
    "authorizesecuritygroupegress",
    "modifysecuritygrouprules",
    "createnetworkaclentry",
    "replacenetworkaclentry",
)
WORLD = ("0.0.0.0/0", "::/0")
CIDR = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3})/\d{1,2}\b")
IAM_RESOURCE = re.compile(
    r"AWS::IAM::(?:User|AccessKey|Role|Policy|ManagedPolicy|"
    r"UserToGroupAddition|InstanceProfile)\b|resource\s+\"aws_iam_"
    r"(?:user|access_key|role|policy)"
)
TEMPLATE_SINKS = (
    "createstack",
    "updatestack",
    "createchangeset",
    "createstackset",
    "updatestackset",
    "putobject",
    "uploadfile",
    "uploadfileobj",
)
GRANT_VERBS = (
    "attachuserpolicy",
    "attachrolepolicy",
    "attachgrouppolicy",
    "putuserpolicy",
    "putrolepolicy",
    "putgrouppolicy",
    "addusertogroup",
    "updateassumerolepolicy",
    "createaccesskey",
    "createloginprofile",
    "updateloginprofile",
    "addpermission",
    "putbucketpolicy",
    "putkeypolicy",
    "createpolicyversion",
)
EVENT_NAMES = frozenset({"event", "evt", "req", "request", "body", "payload"})


@check(
    "CS207",
    "security-group-opened-to-world",
    "iam-manipulation",
    "Security group or network ACL opened to 0.0.0.0/0 from code",
    S.HIGH,
    "high",
)
def security_group(ctx: FileContext) -> Iterator[Hit]:
    """``AuthorizeSecurityGroupIngress``/``Egress``, ``ModifySecurityGroupRules`` or a network
    ACL entry whose CIDR is ``0.0.0.0/0`` or ``::/0``, or a hard-coded public address (an
    attacker's ``/32``), directly or through a variable: a door into the VPC opened by the
    function. A private CIDR does not fire."""
    for c in ctx.facts.calls:
        if not tx.has_verb(c.callee, SG_VERBS):
            continue
        values = [*c.args.strings, *(ctx.facts.consts.get(n, "") for n in c.args.names)]
        world = [w for w in WORLD if any(w in v for v in values)]
        verb = c.callee.rsplit(".", 1)[-1]
        public = [
            m.group(0)
            for v in values
            for m in CIDR.finditer(v)
            if classify(m.group(1)) == "external"
        ]
        if world:
            yield Hit(c.line, f"{verb} opens {world[0]} to the world")
        elif public:
            yield Hit(
                c.line, f"{verb} opens the network to a hard-coded public address {public[0]}"
            )


@check(
    "CS208",
    "iac-template-iam-injection",
    "iam-manipulation",
    "IAM user, key or role injected into a CloudFormation/IaC template from code",
    S.HIGH,
    "high",
)
def template_injection(ctx: FileContext) -> Iterator[Hit]:
    """Code that builds IAM resources (``AWS::IAM::User``/``AccessKey``/``Role``/``Policy``,
    Terraform ``aws_iam_*``) and hands them to ``CreateStack``/``UpdateStack``/
    ``CreateChangeSet`` or writes them back to S3 (a template bucket edited in place): the
    next deployment creates the attacker's identity. Templates without IAM resources do not
    fire."""
    iam_names = taint(ctx, lambda ex: any(IAM_RESOURCE.search(s) for s in ex.strings))
    iam_lits = any(IAM_RESOURCE.search(lit.value) for lit in ctx.facts.literals)

    def injects(ex: Expr) -> bool:
        return any(IAM_RESOURCE.search(s) for s in ex.strings) or bool(ex.names & iam_names)

    if not iam_lits:
        return
    sinks = [c for c in ctx.facts.calls if tx.has_verb(c.callee, TEMPLATE_SINKS)]
    # A template edited in place: a call that merges an IAM-bearing value into something
    # (``template["Resources"].update(USER)``), then the template is deployed or written back.
    merged = sorted(
        {n for c in ctx.facts.calls if c not in sinks for n in c.args.names & iam_names}
    )
    for c in sinks:
        verb = c.callee.rsplit(".", 1)[-1]
        if injects(c.args):
            yield Hit(c.line, f"{verb} with injected IAM resources")
        elif merged and c.args.names:
            yield Hit(c.line, f"{verb} of a template edited with IAM resources ({merged[0]})")


@check(
    "CS209",
    "iam-grant-to-event-principal",
    "iam-manipulation",
    "IAM policy, key or permission granted to a principal named by the event",
    S.HIGH,
    "high",
)
def event_principal(ctx: FileContext) -> Iterator[Hit]:
    """An IAM grant (``AttachUserPolicy``, ``PutRolePolicy``, ``AddUserToGroup``,
    ``UpdateAssumeRolePolicy``, ``CreateAccessKey``, ``AddPermission``, bucket/key policies)
    whose user, role, principal or policy comes from the invoking event: whoever can invoke
    the function picks who gets the access. Fixed principals do not fire (CS205 judges them)."""
    if not ctx.facts.handler:
        return
    from_event = set(EVENT_NAMES)
    for _ in range(4):  # projections of the event; an AWS API's answer is the service's data
        before = len(from_event)
        for a in ctx.facts.assigns:
            if a.value.names & from_event and not any(c.startswith("aws.") for c in a.value.calls):
                from_event.update(a.names)
        if len(from_event) == before:
            break
    for c in ctx.facts.calls:
        if tx.has_verb(c.callee, GRANT_VERBS) and c.args.names & from_event:
            names = sorted(c.args.names & from_event)
            yield Hit(
                c.line,
                f"{c.callee.rsplit('.', 1)[-1]} for a principal from the event "
                f"({', '.join(names)})",
            )
