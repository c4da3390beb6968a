"""The run summary: what was read, matched and skipped, with reasons; nothing passes silently.

File names, S3 keys, reasons and errors come from the input: :meth:`Summary.lines` (stderr) shows
them escaped with secrets masked; :meth:`Summary.to_dict` (``--summary-json``) keeps them exact
but for secrets, masked there too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.ingest.reader import Outcome
from lambdawatch.ingest.sources import Skipped
from lambdawatch.secrets import redact, redact_value
from lambdawatch.textsafe import safe_line


@dataclass
class Summary:
    files_read: int = 0
    bytes_read: int = 0
    records_read: int = 0
    records_matched: int = 0
    duplicates: int = 0
    alerts: int = 0
    alerts_new: int = 0
    alerts_updated: int = 0
    alerts_superseded: int = 0
    alerts_suppressed: int = 0
    alerts_computed: bool = True
    files_skipped: list[tuple[str, str]] = field(default_factory=list)
    files_partial: list[tuple[str, str]] = field(default_factory=list)
    records_skipped: Counter[str] = field(default_factory=Counter)
    records_skipped_where: dict[str, list[str]] = field(default_factory=dict)
    analyzer_errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, item: Outcome | Skipped) -> None:
        if isinstance(item, Skipped):
            self.files_skipped.append((item.name, item.reason))
            return
        self.bytes_read += item.bytes_read
        if item.decoded is None:
            self.files_skipped.append((item.name, item.error or "unreadable"))
            return
        d = item.decoded
        self.files_read += 1
        self.records_read += d.records
        if d.problem:
            self.files_partial.append((item.name, d.problem))
        for reason, n in d.skipped.items():
            self.skip_record(item.name, reason, n)

    def skip_record(self, where: str, reason: str, n: int = 1) -> None:
        self.records_skipped[reason] += n
        places = self.records_skipped_where.setdefault(reason, [])
        if where not in places and len(places) < 5:
            places.append(where)

    @property
    def nothing_read(self) -> bool:
        return self.files_read == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_read": self.files_read,
            "bytes_read": self.bytes_read,
            "records_read": self.records_read,
            "records_matched": self.records_matched,
            "duplicate_records": self.duplicates,
            "alerts": self.alerts if self.alerts_computed else None,
            "alerts_new": self.alerts_new,
            "alerts_updated": self.alerts_updated,
            "alerts_superseded": self.alerts_superseded,
            "alerts_suppressed": self.alerts_suppressed,
            "files_skipped": [
                {"file": redact(f), "reason": redact(r)} for f, r in self.files_skipped
            ],
            "files_partial": [
                {"file": redact(f), "reason": redact(r)} for f, r in self.files_partial
            ],
            "analyzer_errors": redact_value(self.analyzer_errors),
            "records_skipped": [
                {
                    "reason": redact(r),
                    "count": n,
                    "files": [redact(f) for f in self.records_skipped_where.get(r, [])],
                }
                for r, n in sorted(self.records_skipped.items())
            ],
        }

    def lines(self) -> list[str]:
        out = [
            (
                f"files read: {self.files_read}  records read: {self.records_read}  "
                f"matched: {self.records_matched}  duplicates ignored: {self.duplicates}"
            ),
            f"alerts: {self.alerts} (new {self.alerts_new}, updated {self.alerts_updated}, "
            f"suppressed {self.alerts_suppressed}, superseded {self.alerts_superseded})"
            if self.alerts_computed
            else "alerts: not computed (--format rows without --state)",
        ]
        by_reason: dict[str, list[str]] = {}
        for name, reason in self.files_skipped:
            by_reason.setdefault(safe_line(reason), []).append(safe_line(name))
        for reason, names in by_reason.items():
            if len(names) <= 3:
                out.extend(f"skipped file: {name}: {reason}" for name in names)
            else:  # many of one kind (digest files): a count and examples (all in --summary-json)
                out.append(f"skipped files: {len(names)} {reason} (e.g. {', '.join(names[:2])})")
        for name, reason in self.files_partial:
            out.append(f"partly read: {safe_line(name)}: {safe_line(reason)}")
        for reason, n in sorted(self.records_skipped.items()):
            where = ", ".join(safe_line(w) for w in self.records_skipped_where.get(reason, []))
            out.append(f"skipped records: {n} {safe_line(reason)} (in {where})")
        for err in self.analyzer_errors[:5]:
            out.append(
                f"analyzer error: {safe_line(err.get('analyzer'))} on event "
                f"{safe_line(err.get('event_id'))}: {safe_line(err.get('error'))}"
            )
        if len(self.analyzer_errors) > 5:
            out.append(f"analyzer errors: {len(self.analyzer_errors)} in all (see --summary-json)")
        return out
