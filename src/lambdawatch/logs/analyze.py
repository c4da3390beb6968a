"""Per-function accumulation of log lines and the final verdict (``logs --format jsonl``).

``FunctionLogs.add`` is the hot path: platform lines are recognised by prefix, application
lines screened by one pattern; timestamps are parsed only for the lines that need one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.findings import Finding
from lambdawatch.logs import anomaly, changes, platform, redflags
from lambdawatch.logs.columns import HOUR_MS, Hour, Invocations
from lambdawatch.logs.cost import Prices, batch_cost
from lambdawatch.logs.extensions import KNOWN_EXTENSIONS
from lambdawatch.logs.history import History
from lambdawatch.logs.model import Invocation, LogLine, ms_to_iso

_SEVERITY = {
    "log-credential-leak": "high",
    "process-exec": "high",
    "dynamic-exec": "high",
    "log-outbound-connection": "low",
}
_CODES = {
    "log-outbound-connection": "LG101",
    "log-credential-leak": "LG102",
    "process-exec": "LG103",
    "dynamic-exec": "LG104",
}
_TITLES = {
    "log-outbound-connection": "Outbound connections in the function's logs",
    "log-credential-leak": "Credential-looking values printed in the logs (masked)",
    "process-exec": "Shell or tool errors in the logs (commands run by the function)",
    "dynamic-exec": "Errors raised inside evaluated code (exec/eval)",
}
_ERRORS = re.compile("ERROR|Traceback|Task timed out|errorType|Runtime\\.|Error:")


@dataclass
class Options:
    prices: Prices
    budget_usd: float | None = None
    known_extensions: frozenset[str] = KNOWN_EXTENSIONS
    window_end_ms: int | None = None


@dataclass
class _Flagged:
    count: int = 0
    details: Counter[str] = field(default_factory=Counter)
    first_ms: int | None = None
    sample: str = ""


@dataclass
class FunctionLogs:
    function: str
    account: str | None = None
    region: str | None = None
    lines: int = 0
    invocations: Invocations = field(default_factory=Invocations)
    flagged: dict[str, _Flagged] = field(default_factory=dict)
    error_ts: list[int] = field(default_factory=list)
    extensions: dict[str, int] = field(default_factory=dict)
    timeouts: list[float] = field(default_factory=list)
    first_ms: int | None = None
    last_ms: int | None = None

    def _seen(self, ms: int) -> None:
        if self.first_ms is None or ms < self.first_ms:
            self.first_ms = ms
        if self.last_ms is None or ms > self.last_ms:
            self.last_ms = ms

    def add(self, line: LogLine) -> None:
        self.lines += 1
        if self.account is None and line.account:
            self.account = line.account
        if line.message.startswith("REPORT "):
            inv = platform.parse_report(line)
            if inv is not None:
                self.add_invocation(inv)
            return
        self.add_other(line)

    def add_other(self, line: LogLine) -> None:
        """Any line but a text REPORT line (the fast path parses those itself)."""
        msg = line.message
        if msg.startswith(("START ", "END ", "INIT_START", "INIT_REPORT", "XRAY ")):
            return
        doc = platform.json_record(msg) if msg.startswith("{") else None
        if doc is not None and str(doc.get("type", "")).startswith("platform."):
            inv = platform.parse_json_report(line, doc)
            if inv is not None:
                self.add_invocation(inv)
            name = platform.extension_name(msg, doc)
            if name:
                self.extensions[name] = self.extensions.get(name, 0) + 1
            return
        if msg.startswith("EXTENSION"):
            name = platform.extension_name(msg, None)
            if name:
                self.extensions[name] = self.extensions.get(name, 0) + 1
            return
        text = str(doc.get("message", msg)) if doc is not None else msg
        if _ERRORS.search(msg) is not None:
            ms = line.millis()
            self.error_ts.append(ms)
            self._seen(ms)
            limit = platform.timeout_seconds(msg)
            if limit:
                self.timeouts.append(limit)
        if redflags.SCREEN.search(text):
            for flag in redflags.flags(text):
                entry = self.flagged.setdefault(flag.kind, _Flagged())
                entry.count += 1
                entry.details[flag.detail] += 1
                if entry.first_ms is None:
                    entry.first_ms = line.millis()
                    entry.sample = flag.sample

    def add_invocations(self, batch: list[Invocation], lo: int, hi: int) -> None:
        """Many invocations at once (the fast path), ``lo``/``hi`` their first and last time."""
        self.invocations.extend(batch)
        self._seen(lo)
        self._seen(hi)

    def add_invocation(self, inv: Invocation) -> None:
        self.invocations.append(inv)
        self._seen(inv.ts)

    # -- verdict --------------------------------------------------------------------------------
    def result(self, history: History, opts: Options) -> dict[str, Any]:
        invs = self.invocations
        error_ts = sorted(self.error_ts + invs.error_times())
        fn = self.function
        account, region = history.accounts.get(fn, (self.account, self.region))
        findings = self._line_findings(opts)
        timeout = history.timeout_s.get(fn) or (max(self.timeouts) if self.timeouts else None)
        fn_changes = history.changes.get(fn, [])
        starts = invs.starts()
        hours = invs.hours()
        findings += anomaly.beaconing(starts, history.schedules.get(fn, []))
        findings += anomaly.invocation_spike(hours)
        findings += anomaly.duration_anomaly(hours)
        findings += anomaly.long_hot_runs(invs, timeout)
        findings += anomaly.log_gap(starts, opts.window_end_ms)
        findings += changes.errors_after_change(error_ts, fn_changes)
        findings += changes.jumps_after_change(invs, fn_changes)
        series = self._series(hours, opts.prices)
        cost = sum(p["cost_usd"] for p in series)
        findings += self._budget(series, opts)
        return {
            "function": fn,
            "account": account,
            "region": region,
            "window": {
                "start": ms_to_iso(self.first_ms) if self.first_ms else None,
                "end": ms_to_iso(self.last_ms) if self.last_ms else None,
            },
            "invocations": len(invs),
            "estimated_cost_usd": round(cost, 6),
            "findings": [f.to_dict() for f in sorted(findings, key=lambda f: (-f.rank, f.code))],
            "errors": len(error_ts),
            "lines": self.lines,
            "arch": opts.prices.arch,
            "series": series,
        }

    def _line_findings(self, opts: Options) -> list[Finding]:
        out = []
        for kind, entry in sorted(self.flagged.items()):
            details = [d for d, _ in entry.details.most_common(20)]
            severity = _SEVERITY[kind]
            if kind == "log-outbound-connection" and any(
                d[:1].isdigit() or d.startswith("[") for d in details
            ):
                severity = "medium"  # a raw IP address, not a named service
            out.append(
                Finding(
                    kind,
                    _CODES[kind],
                    severity,
                    _TITLES[kind],
                    {
                        "lines": entry.count,
                        "details": details,
                        "first": ms_to_iso(entry.first_ms or 0),
                        "sample": entry.sample,
                    },
                )
            )
        unknown = sorted(n for n in self.extensions if n not in opts.known_extensions)
        if unknown:
            out.append(
                Finding(
                    "unknown-extension",
                    "LG105",
                    "high",
                    "Unknown Lambda extension registered: " + ", ".join(unknown),
                    {
                        "extensions": unknown,
                        "known_seen": sorted(set(self.extensions) - set(unknown)),
                    },
                )
            )
        return out

    @staticmethod
    def _series(hours: dict[int, Hour], prices: Prices) -> list[dict[str, Any]]:
        out = []
        for hour, h in sorted(hours.items()):
            durations = sorted(h.durations)
            out.append(
                {
                    "hour": ms_to_iso(hour * HOUR_MS),
                    "invocations": h.count,
                    "errors": h.errors,
                    "duration_p50_ms": durations[len(durations) // 2],
                    "duration_max_ms": durations[-1],
                    "gb_seconds": round(h.mb_ms / 1024 / 1000, 4),
                    "cost_usd": round(batch_cost(prices, h.mb_ms, h.count), 8),
                }
            )
        return out

    @staticmethod
    def _budget(series: list[dict[str, Any]], opts: Options) -> list[Finding]:
        if opts.budget_usd is None:
            return []
        days: dict[str, float] = {}
        for p in series:
            days[p["hour"][:10]] = days.get(p["hour"][:10], 0.0) + p["cost_usd"]
        over = {d: round(c, 6) for d, c in sorted(days.items()) if c > opts.budget_usd}
        if not over:
            return []
        worst = max(over, key=lambda d: over[d])
        return [
            Finding(
                "cost-over-budget",
                "LG205",
                "medium",
                f"Estimated cost {over[worst]:.2f} USD on {worst}, over the "
                f"{opts.budget_usd:.2f} USD daily budget",
                {
                    "budget_usd_per_day": opts.budget_usd,
                    "days_over": over,
                    "arch": opts.prices.arch,
                },
            )
        ]
