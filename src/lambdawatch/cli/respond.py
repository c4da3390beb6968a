"""``lambdawatch respond``: preserve a function's evidence, then (with --apply) contain it.

``respond FUNCTION --evidence DIR`` plans (and preserves), ``--apply`` contains,
``respond rollback CASE_DIR`` undoes. The client factory and the code fetcher can be passed in
through click's context object (``{"factory": ..., "fetcher": ...}``); by default they come
from boto3's configuration."""

from __future__ import annotations

from typing import Any

import click

from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError
from lambdawatch.textsafe import safe_text


def _deps(ctx: click.Context, profile: str | None, region: str | None) -> tuple[Any, Any]:
    obj = ctx.find_root().obj or {}
    factory = obj.get("factory")
    if factory is None:
        from lambdawatch.aws import ClientFactory

        factory = ClientFactory(profile=profile, region=region)
    from lambdawatch.respond.fetch import Fetcher

    return factory, obj.get("fetcher") or Fetcher()


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, metavar="FUNCTION | rollback CASE_DIR")
@click.option("--evidence", help="Case folder: a local DIR or s3://bucket/prefix.")
@click.option("--region", help="The function's region (default: the AWS default region).")
@click.option("--profile", help="AWS profile.")
@click.option("--case", "case_id", help="Case id (default lw-FUNCTION-TIME).")
@click.option("--apply", "do_apply", is_flag=True, help="Run the containment steps.")
@click.option(
    "--disable-triggers",
    is_flag=True,
    help="Also disable EventBridge rules and schedules that only target it.",
)
@click.option("--alert", "alert_id", help="Take the function from this stored alert.")
@click.option("--state", "state_path", help="The state DB holding --alert.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def respond(
    ctx: click.Context,
    args: tuple[str, ...],
    evidence: str | None,
    region: str | None,
    profile: str | None,
    case_id: str | None,
    do_apply: bool,
    disable_triggers: bool,
    alert_id: str | None,
    state_path: str | None,
    fmt: str,
) -> None:
    """Preserve every version, alias, policy, URL, mapping, layer and the role of FUNCTION
    (name or ARN) with a SHA-256 manifest, and print the containment plan; --apply contains
    it with reversible steps only. `respond rollback CASE_DIR` undoes a containment."""
    try:
        if args and args[0] == "rollback":
            if len(args) != 2:
                raise CliError("usage: lambdawatch respond rollback CASE_DIR")
            _rollback(ctx, args[1], profile, region)
            return
        _respond(
            ctx,
            args,
            evidence,
            region,
            profile,
            case_id,
            do_apply,
            disable_triggers,
            alert_id,
            state_path,
            fmt,
        )
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None


def _respond(
    ctx: click.Context,
    args: tuple[str, ...],
    evidence: str | None,
    region: str | None,
    profile: str | None,
    case_id: str | None,
    do_apply: bool,
    disable_triggers: bool,
    alert_id: str | None,
    state_path: str | None,
    fmt: str,
) -> None:
    from lambdawatch.respond import render
    from lambdawatch.respond.run import Options
    from lambdawatch.respond.run import respond as run
    from lambdawatch.respond.target import from_alert, parse_function

    if not evidence:
        raise CliError("--evidence DIR|s3://bucket/prefix is required")
    if alert_id:
        if args or not state_path:
            raise CliError("--alert ID needs --state DB and no FUNCTION")
        resolved = from_alert(alert_id, state_path)
    elif len(args) == 1:
        resolved = parse_function(args[0], region)
    else:
        raise CliError("give one FUNCTION (name or ARN), or --alert ID --state DB")
    factory, fetcher = _deps(ctx, profile, region or resolved.region)
    out = run(
        factory, resolved, Options(evidence, case_id, do_apply, disable_triggers), fetcher=fetcher
    )
    click.echo(render.as_json(out) if fmt == "json" else render.text(out), nl=False)
    if out.failed is not None:
        raise CliError(f"containment stopped: {out.failed.error}")


def _rollback(ctx: click.Context, case_dir: str, profile: str | None, region: str | None) -> None:
    import json

    from lambdawatch.respond.evidence import open_store
    from lambdawatch.respond.manifest import MANIFEST
    from lambdawatch.respond.rollback import rollback

    factory, _fetcher = _deps(ctx, profile, region)
    store = open_store(case_dir, factory.client("s3") if case_dir.startswith("s3://") else None)
    raw = store.get(MANIFEST)
    if raw is None:
        raise CliError(f"{case_dir}: no {MANIFEST}: not a respond case folder")
    case_region = json.loads(raw).get("region") or region
    result = rollback(store, lambda s: factory.client(s, case_region))
    for item in result.restored:
        click.echo(f"restored  {item['step']:<17} {safe_text(item['target'])}")
    for item in result.failed:
        click.echo(f"FAILED    {item['step']:<17} {safe_text(item['error'])}")
    if result.already:
        click.echo(f"{result.already} step(s) already restored by an earlier rollback")
    if not result.restored and not result.failed and not result.already:
        click.echo("Nothing to restore: no containment step is recorded as done.")
    if result.failed:
        raise CliError(f"{len(result.failed)} step(s) could not be restored (see above)")
