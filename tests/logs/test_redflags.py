"""Red flags in application lines: each detector fires on its pattern and not on a look-alike."""

from __future__ import annotations

import pytest

from lambdawatch.logs.redflags import SCREEN, flags
from tests.logs import series as s
from tests.logs.helpers import kinds, verdict


def found(message: str) -> list[tuple[str, str]]:
    assert SCREEN.search(message), message  # the screen must let every flagged line through
    return [(f.kind, f.detail) for f in flags(message)]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("connecting to 45.33.32.156:4444", [("log-outbound-connection", "45.33.32.156:4444")]),
        (
            "Error: connect ECONNREFUSED 203.0.113.9:8443",
            [("log-outbound-connection", "203.0.113.9:8443")],
        ),
        (
            "dial tcp 45.33.32.156:4444: i/o timeout",
            [("log-outbound-connection", "45.33.32.156:4444")],
        ),
        ("posting to https://webhook.site/abc?d=1", [("log-outbound-connection", "webhook.site")]),
        (
            "GET http://169.254.169.254/latest/meta-data/iam",
            [("log-outbound-connection", "169.254.169.254")],
        ),
        ("key AKIAIOSFODNN7EXAMPLE", [("log-credential-leak", "aws-access-key-id ****(20 chars)")]),
        (
            "config: password=hunter2hunter2",
            [("log-credential-leak", "secret-assignment ****(14 chars)")],
        ),
        ("/bin/sh: 1: nc: not found", [("process-exec", "shell or tool error")]),
        ("sh: curl: command not found", [("process-exec", "shell or tool error")]),
        (
            '  File "<string>", line 3, in <module>',
            [("dynamic-exec", "error inside evaluated code")],
        ),
        (
            "    at eval (eval at handler (/var/task/index.js:5:3))",
            [("dynamic-exec", "error inside evaluated code")],
        ),
    ],
)
def test_flags_fire(message: str, expected: list[tuple[str, str]]) -> None:
    assert found(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "calling https://dynamodb.us-east-1.amazonaws.com/ for orders",  # AWS endpoint
        "Error: connect ECONNREFUSED 127.0.0.1:5432",  # loopback
        "processed 192 items in 10.0.1 release",  # no connection, no IP:port
        "password=${DB_PASSWORD}",  # a placeholder
        "token refreshed",  # a word, no value
        "user not found: 42",  # not a shell error
        '  File "/var/task/app.py", line 3, in handler',  # an ordinary traceback
    ],
)
def test_flags_do_not_fire_on_look_alikes(message: str) -> None:
    assert [(f.kind, f.detail) for f in flags(message)] == []


def test_findings_aggregate_and_never_hold_the_secret() -> None:
    runs = s.steady_api(hours=3)
    app = {
        0: ["aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
        1: ["connect to 45.33.32.156:4444 failed"],
        2: ["connect to 45.33.32.156:4444 failed"],
    }
    result = verdict("f", s.export_lines(runs, app=app))
    assert kinds(result) == [("log-credential-leak", "LG102"), ("log-outbound-connection", "LG101")]
    leak, conn = result["findings"]
    assert leak["severity"] == "high" and conn["severity"] == "medium"
    assert leak["evidence"]["sample"] == "aws_secret_access_key=****(40 chars)"
    assert conn["evidence"]["lines"] == 2 and conn["evidence"]["details"] == ["45.33.32.156:4444"]
    assert "wJalrXUtnFEMI" not in str(result)


def test_unknown_extension_fires_and_a_known_one_does_not() -> None:
    lines = s.export_lines(s.steady_api(hours=2))
    ext = [
        "2025-03-14T00:00:00.000Z EXTENSION\tName: datadog-agent\tState: Ready\tEvents: [INVOKE]",
        "2025-03-14T00:00:00.000Z EXTENSION\tName: sysupd\tState: Ready\tEvents: [INVOKE,SHUTDOWN]",
    ]
    result = verdict("f", ext + lines)
    assert kinds(result) == [("unknown-extension", "LG105")]
    assert result["findings"][0]["evidence"] == {
        "extensions": ["sysupd"],
        "known_seen": ["datadog-agent"],
    }
    assert kinds(verdict("f", ext[:1] + lines)) == []
    assert (
        kinds(verdict("f", ext + lines, known_extensions=frozenset({"datadog-agent", "sysupd"})))
        == []
    )
