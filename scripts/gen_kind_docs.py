"""Generate docs/kinds.md from the finding-kind registry: python scripts/gen_kind_docs.py

``--check`` exits 1 when the checked-in page differs (tests/analyze/test_kinds.py runs it).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lambdawatch.kinds import all_kinds, families

OUT = ROOT / "docs" / "kinds.md"


def page() -> str:
    lines = [
        "# Finding kinds",
        "",
        (
            "Generated from `src/lambdawatch/data/kinds.yml` by `python scripts/gen_kind_docs.py`;"
            " do not edit."
        ),
        "",
        (
            "A kind is the stable slug every finding carries (`findings[].kind`). Its weight is"
            " what one finding of the kind adds to an alert's risk (0-100, before combinations);"
            " its steps join the playbook of every alert or result that carries it."
        ),
        "",
    ]
    kinds = all_kinds()
    for family, what in families().items():
        members = [k for k in kinds if k.family == family]
        if not members:
            continue
        lines += [
            f"## {family}",
            "",
            what[0].upper() + what[1:] + ".",
            "",
            "| kind | weight | description |",
            "|---|---|---|",
        ]
        lines += [f"| `{k.slug}` | {k.weight} | {k.description} |" for k in members]
        lines.append("")
        for k in members:
            lines += [f"### {k.slug}", ""] + [f"{i}. {s}" for i, s in enumerate(k.steps, 1)] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    want = page()
    if "--check" in argv:
        have = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if have != want:
            print(
                "docs/kinds.md is out of date: run python scripts/gen_kind_docs.py", file=sys.stderr
            )
            return 1
        return 0
    OUT.write_text(want, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
