"""A script-injection corpus placed in every attacker-controlled field of a hunt --state run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import delivery_bytes, record, run_cli, write

MARK = "lwpwned"


def payloads(port: int) -> list[str]:
    """Markup that would run script, set a marker or reach the local server if not escaped."""
    url = f"http://127.0.0.1:{port}"
    return [
        f"<img src={url}/img onerror=\"document.body.setAttribute('data-{MARK}','img')\">",
        f"<svg onload=\"document.body.setAttribute('data-{MARK}','svg')\"></svg>",
        f"\"><script>document.body.setAttribute('data-{MARK}','script')</script>",
        f"</script><script>document.title='{MARK}'</script>",
        f"<style>@import url({url}/css);</style><link rel=stylesheet href={url}/link>",
        f"<iframe src=\"javascript:parent.document.title='{MARK}'\"></iframe>",
        f'<a href="javascript:alert(1)" id="{MARK}-link">x</a>',
        f'<meta http-equiv=refresh content="0;url={url}/refresh">',
        f"{{{{ 7*7 }}}}<body onload=\"document.title='{MARK}'\">",
        "\u202egnp.exe\u200b",
    ]


def hostile_records(port: int) -> list[dict[str, Any]]:
    p = payloads(port)
    name = f"fn{p[0]}"
    env_keys = {
        f"K{i}{v}": "AKIAIOSFODNN7EXAMPLE" if i == 0 else "hunter2hunter2"
        for i, v in enumerate(p[:4])
    }
    create = record(
        "create-function",
        1,
        eventTime="2025-03-14T09:00:00Z",
        userAgent=" ".join(p),
        requestParameters__functionName=name,
        requestParameters__description=" ".join(p),
        requestParameters__environment={"variables": env_keys},
        recipientAccountId="111122223333",
        userIdentity__accountId="111122223333",
    )
    policy = record(
        "add-permission",
        2,
        eventTime="2025-03-14T09:01:00Z",
        awsRegion="us-east-1",
        recipientAccountId="111122223333",
        userAgent=p[1],
        requestParameters__functionName=name,
        requestParameters__statementId=p[2],
        requestParameters__principal="*",
        responseElements__statement=json.dumps(
            {"Sid": p[3], "Principal": "*", "Condition": {"x": p[4]}}
        ),
    )
    return [create, policy]


def hostile_state(tmp: Path, port: int) -> tuple[Path, Path]:
    """(state DB, scan result with a hostile code snippet) for the corpus above."""
    logs = write(tmp / "ct" / "hostile.json", delivery_bytes(hostile_records(port)))
    state = tmp / "state.db"
    result = run_cli(
        "hunt", str(logs), "--state", str(state), "--format", "jsonl", "--workers", "1"
    )
    assert result.exit_code == 0, result.stderr
    scan = tmp / "scan.json"
    p = payloads(port)
    scan.write_text(
        json.dumps(
            {
                "target": "lambda:x",
                "files_scanned": 1,
                "bytes_scanned": 10,
                "errors": [],
                "findings": [
                    {
                        "kind": "reverse-shell",
                        "code": "CS101",
                        "severity": "critical",
                        "file": f"index{p[5]}.py",
                        "line": 7,
                        "message": p[6],
                        "evidence": "\n".join(p),
                    }
                ],
            }
        )
    )
    return state, scan
