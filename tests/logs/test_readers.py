"""Every input shape `logs` reads, recognised by content, and bad input reported per file."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.logs.readers import ReadReport
from lambdawatch.logs.run import from_files
from tests.logs import series as s

REPORT = (
    "REPORT RequestId: {rid}\tDuration: 100.00 ms\tBilled Duration: 100 ms\t"
    "Memory Size: 128 MB\tMax Memory Used: 64 MB\t"
)


def events(n: int, start_ms: int = s.T0 * 1000) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        out.append(
            {
                "logStreamName": "2025/03/14/[$LATEST]abc",
                "timestamp": start_ms + i * 1000,
                "message": f"START RequestId: r{i} Version: $LATEST\n",
                "eventId": f"{i}a",
            }
        )
        out.append(
            {
                "logStreamName": "2025/03/14/[$LATEST]abc",
                "timestamp": start_ms + i * 1000,
                "message": REPORT.format(rid=f"r{i}"),
                "eventId": f"{i}b",
            }
        )
    return out


def payload(group: str, n: int, kind: str = "DATA_MESSAGE") -> dict[str, Any]:
    return {
        "messageType": kind,
        "owner": "111122223333",
        "logGroup": group,
        "logStream": "2025/03/14/[$LATEST]abc",
        "subscriptionFilters": ["to-firehose"],
        "logEvents": [
            {"id": e["eventId"], "timestamp": e["timestamp"], "message": e["message"]}
            for e in events(n)
        ],
    }


def b64gz(doc: dict[str, Any]) -> str:
    return base64.b64encode(gzip.compress(json.dumps(doc).encode(), mtime=0)).decode()


def summary(groups: dict[str, Any]) -> dict[str, tuple[int, int, str | None]]:
    return {fn: (len(g.invocations), g.lines, g.account) for fn, g in groups.items()}


def test_every_shape(tmp_path: Path) -> None:
    (tmp_path / "fle.json").write_text(
        json.dumps([{"events": events(3)}, {"events": events(2, s.T0 * 1000 + 5000)}])
    )
    s.write_export(
        tmp_path / "aws" / "lambda" / "exported" / "000000.gz",
        s.export_lines(s.beacon(600, hours=1)),
    )
    (tmp_path / "json-format.jsonl").write_text(
        "\n".join(
            json.dumps(d)
            for d in [
                {
                    "time": "2025-03-14T00:00:01.000Z",
                    "type": "platform.report",
                    "record": {
                        "requestId": "j1",
                        "status": "success",
                        "metrics": {
                            "durationMs": 12.5,
                            "billedDurationMs": 13,
                            "memorySizeMB": 128,
                            "maxMemoryUsedMB": 40,
                            "initDurationMs": 200.1,
                        },
                    },
                },
                {
                    "timestamp": "2025-03-14T00:00:00.500Z",
                    "level": "INFO",
                    "requestId": "j1",
                    "message": "connecting to 45.33.32.156:4444",
                },
            ]
        )
    )
    (tmp_path / "sub.b64").write_text(
        b64gz(payload("/aws/lambda/subscribed", 4))
        + "\n"
        + b64gz(payload("/aws/lambda/subscribed", 0, "CONTROL_MESSAGE"))
    )
    (tmp_path / "kinesis.json").write_text(
        json.dumps({"Records": [{"kinesis": {"data": b64gz(payload("/aws/lambda/streamed", 2))}}]})
    )
    (tmp_path / "firehose.gz").write_bytes(
        gzip.compress(
            (
                json.dumps(payload("/aws/lambda/hosed", 1))
                + json.dumps(payload("/aws/lambda/hosed", 2))
            ).encode(),
            mtime=0,
        )
    )
    report = ReadReport()
    groups = from_files([str(tmp_path)], "given", report)
    assert report.problems == []
    assert summary(groups) == {
        "exported": (6, 18, None),  # 6 runs x START, END, REPORT
        "given": (6, 12, None),  # 5 from filter-log-events pages, 1 from the JSON-format file
        "hosed": (3, 6, "111122223333"),
        "streamed": (2, 4, "111122223333"),
        "subscribed": (4, 8, "111122223333"),
    }
    json_inv = [i for i in groups["given"].invocations if i.init_ms is not None]
    assert [(i.init_ms, i.duration_ms) for i in json_inv] == [(200.1, 12.5)]
    assert groups["given"].flagged["log-outbound-connection"].details == {"45.33.32.156:4444": 1}


def test_bad_input_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    good = s.write_export(
        tmp_path / "aws" / "lambda" / "ok" / "000000.gz", s.export_lines(s.beacon(600, hours=1))
    )
    data = gzip.compress(("\n".join(s.export_lines(s.beacon(60, hours=2))) + "\n").encode())
    (tmp_path / "aws" / "lambda" / "cut").mkdir(parents=True)
    (tmp_path / "aws" / "lambda" / "cut" / "000000.gz").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "other.json").write_text('{"hello": "world"}')
    (tmp_path / "broken.json").write_text('{"events": [')
    report = ReadReport()
    groups = from_files([str(tmp_path), str(tmp_path / "missing.gz")], None, report)
    reasons = {Path(w).name: why.split(" (")[0] for w, why in report.problems}
    assert reasons == {
        "000000.gz": "truncated or corrupt, kept the lines before the break",
        "junk.bin": "not CloudWatch Logs",
        "empty.json": "empty file",
        "other.json": "no CloudWatch Logs events in it",
        "broken.json": "truncated or invalid, kept the events before the break",
        "missing.gz": "no such file or folder",
    }
    assert len(groups["ok"].invocations) == 6 and str(good).endswith("000000.gz")
    assert 0 < len(groups["cut"].invocations) < 120


def test_fast_path_equals_the_line_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunked Hyperscan path and the per-line path give the same result on one export."""
    from lambdawatch.logs import fastpath
    from lambdawatch.logs.analyze import Options
    from lambdawatch.logs.cost import prices
    from lambdawatch.logs.history import History
    from lambdawatch.logs.run import results

    if not fastpath.available():
        pytest.skip("Hyperscan is not installed: only the line path exists here")
    runs = s.steady_api(hours=30)
    app = {
        n: [
            "connect to 45.33.32.156:4444",
            ('Traceback (most recent call last):\n  File "<string>", line 1, in <module>'),
            "[ERROR] boom",
        ]
        for n in range(0, len(runs), 97)
    }
    lines = s.export_lines(runs, app=app)
    lines.insert(5, "2025-03-14T00:00:01.000Z EXTENSION\tName: sysupd\tState: Ready\tEvents: []")
    lines.append(
        "2025-03-15T06:00:00.000Z REPORT RequestId: t1\tDuration: 3000.00 ms\t"
        "Billed Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t"
        "Status: timeout"
    )
    path = s.write_export(tmp_path / "aws" / "lambda" / "api" / "0.gz", lines)
    fast = results(
        from_files([str(path)], None, ReadReport()), History(), Options(prices("x86_64"))
    )
    monkeypatch.setattr(fastpath, "available", lambda: False)
    slow = results(
        from_files([str(path)], None, ReadReport()), History(), Options(prices("x86_64"))
    )
    assert fast == slow
    assert [f["kind"] for f in fast[0]["findings"]] == [
        "dynamic-exec",
        "unknown-extension",
        "log-outbound-connection",
    ]
    assert fast[0]["errors"] == 2 * len(app) + 1


def test_a_large_events_page_is_streamed_and_a_cut_keeps_what_came_before(tmp_path: Path) -> None:
    from lambdawatch.logs import jsonstream

    page = {"events": events(6000), "searchedLogStreams": [], "nextToken": "x"}
    text = json.dumps(page, indent=1)
    assert len(text) > 2 * (1 << 20)  # spans several reads of the streaming reader
    (tmp_path / "aws" / "lambda" / "big").mkdir(parents=True)
    (tmp_path / "aws" / "lambda" / "big" / "page.json").write_text(text)
    cut_at = text.index("RequestId: r5000 ")  # inside the START event of the 5001st run
    (tmp_path / "aws" / "lambda" / "cut").mkdir(parents=True)
    (tmp_path / "aws" / "lambda" / "cut" / "page.json").write_text(text[:cut_at])
    report = ReadReport()
    groups = from_files([str(tmp_path)], None, report)
    assert summary(groups) == {"big": (6000, 12000, None), "cut": (5000, 10000, None)}
    assert [(Path(w).parent.name, why.split(" (")[0]) for w, why in report.problems] == [
        ("cut", "truncated or invalid, kept the events before the break")
    ]
    assert jsonstream.is_events_page('  {\n "events" : [') and not jsonstream.is_events_page(
        '[{"events": []}]'
    )
