"""``lambdawatch rules list|show|test|export``: the rule catalogue, its inline tests, SQL and Sigma.

Rules can come from users' folders (``--rules DIR``): their ids, slugs, titles and test names are
shown escaped in the human outputs (``list``, ``test``), and ``show`` prints YAML with every
non-ASCII or control character as a YAML escape (exact, and inert on a terminal).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click
import yaml

from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError
from lambdawatch.textsafe import safe_text

if TYPE_CHECKING:
    from lambdawatch.engine.model import Rule
    from lambdawatch.engine.ruleset import RuleSet

EXPORT_DIALECTS = ["athena", "trino", "spark", "duckdb", "cloudtrail-lake", "sigma"]
_rule_dirs = click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra rule folder or file (repeatable).",
)


def _load(rule_dirs: tuple[str, ...]) -> RuleSet:
    from lambdawatch.engine.ruleset import RuleSet

    try:
        return RuleSet.load(rule_dirs)
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None


def _select(ruleset: RuleSet, which: tuple[str, ...]) -> list[Rule]:
    rules = list(ruleset.rules)
    if not which:
        return rules
    wanted = set(which)
    chosen = [r for r in rules if r.id in wanted or r.slug in wanted]
    missing = wanted - {r.id for r in chosen} - {r.slug for r in chosen}
    if missing:
        raise CliError(
            f"no such rule: {', '.join(sorted(map(safe_text, missing)))} "
            "(see `lambdawatch rules list`)"
        )
    return chosen


@click.group()
def rules() -> None:
    """List, show, test and export the detection rules."""


@rules.command("list")
@_rule_dirs
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_rules(rule_dirs: tuple[str, ...], fmt: str) -> None:
    """One line per rule: id, slug, severity, priority, finding kinds."""
    rs = _load(rule_dirs)
    rows: list[dict[str, object]] = [
        {
            "id": r.id,
            "slug": r.slug,
            "severity": r.severity,
            "priority": r.priority,
            "alert": r.alert,
            "sql_exact": r.sql.exact,
            "title": r.title,
            "kinds": sorted({f.kind for f in r.findings}),
        }
        for r in rs.rules
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rs.rules:
        kinds = ",".join(sorted({f.kind for f in r.findings})) or "-"
        ctx = "" if r.alert else " (context)"
        click.echo(
            f"{safe_text(r.id)}  {safe_text(r.slug):<36} {r.severity:<8} "
            f"{r.priority}  {safe_text(kinds)}{ctx}"
        )


@rules.command("show")
@click.argument("rule")
@_rule_dirs
def show_rule(rule: str, rule_dirs: tuple[str, ...]) -> None:
    """Print one rule (id or slug) as YAML."""
    chosen = _select(_load(rule_dirs), (rule,))[0]
    click.echo(
        yaml.safe_dump(
            chosen.model_dump(mode="json", by_alias=True, exclude_defaults=True),
            sort_keys=False,
            allow_unicode=False,
        ),
        nl=False,
    )


@rules.command("test")
@click.argument("which", nargs=-1)
@_rule_dirs
@click.option("--verbose", "-v", is_flag=True, help="Show passing cases too.")
@click.pass_context
def test_rules(
    ctx: click.Context, which: tuple[str, ...], rule_dirs: tuple[str, ...], verbose: bool
) -> None:
    """Run the rules' inline tests (all, or the given ids/slugs); exit 1 on any failure."""
    from lambdawatch.engine.ruletest import run_rule_tests

    rs = _load(rule_dirs)
    only = {r.id for r in _select(rs, which)} if which else None
    results = run_rule_tests(rs, only)
    failed = [r for r in results if not r.passed]
    for r in results:
        if verbose or not r.passed:
            click.echo(
                f"{'ok  ' if r.passed else 'FAIL'} {safe_text(r.rule)} {safe_text(r.name)}: "
                f"{safe_text(r.detail)}"
            )
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    ctx.exit(1 if failed else 0)


@rules.command("export")
@click.argument("which", nargs=-1)
@_rule_dirs
@click.option("--dialect", type=click.Choice(EXPORT_DIALECTS), required=True)
@click.option(
    "--table",
    help="Table (or event data store id) to query; default cloudtrail_logs "
    "(cloudtrail-lake: $EDS_ID).",
)
def export_rules(
    which: tuple[str, ...], rule_dirs: tuple[str, ...], dialect: str, table: str | None
) -> None:
    """Render rules' matches as SQL for a data lake, or as Sigma rules."""
    rs = _load(rule_dirs)
    chosen = [r for r in _select(rs, which) if r.alert or which]
    out: list[str] = []
    if dialect == "sigma":
        from lambdawatch.engine import sigma

        for r in chosen:
            reason = sigma.why_not(r)
            if reason:
                click.echo(
                    f"# {safe_text(r.id)} {safe_text(r.slug)}: not exported to Sigma: "
                    f"{safe_text(reason)}",
                    err=True,
                )
                continue
            out.append(sigma.render(r))
        click.echo("---\n".join(out), nl=False)
        return
    try:
        from lambdawatch.engine import sql
    except ImportError:
        raise CliError("SQL export needs sqlglot: pip install sqlglot") from None
    for r in chosen:
        out.append(f"{sql.header(r)}\n{sql.render(r, dialect, table)};\n")
    click.echo("\n".join(out), nl=False)
