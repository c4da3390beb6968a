"""``hunt --engine spark``: the driver. The same alerts and rows as the local engine.

1. The driver lists the inputs (local folders walked, S3 prefixes listed, stdin read) as the
   local engine does, and resolves the run (configuration, rule folders, limits, window).
2. Executors read and decode the inputs with the local engine's per-file function and keep only
   the matched, normalized records (:mod:`lambdawatch.spark.decode_task`); the decoded set is
   cached so the files are read once.
3. The driver gathers each input's outcome (for the Summary, in input order) and the account
   links of the records, and gives every account component a partition
   (:mod:`lambdawatch.spark.grouping`).
4. The records are repartitioned by component and sorted by (event time, eventID) within each
   partition; each partition runs the Detector through a scratch store
   (:mod:`lambdawatch.spark.detect_task`).
5. The driver orders the alerts as the local engine does (first_seen, id) and merges the
   founding query's groups; the caller writes them with the usual sinks.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lambdawatch.config import load_config
from lambdawatch.detect.detector import Detector
from lambdawatch.detect.stream_state import StreamState
from lambdawatch.errors import LambdawatchError, SparkError, UsageError
from lambdawatch.hunt import HuntOptions, HuntResult
from lambdawatch.ingest.limits import default_limits
from lambdawatch.ingest.reader import Fetched
from lambdawatch.ingest.sources import Skipped, Stdin, check_paths, expand
from lambdawatch.ingest.sources import read_stdin as _read_stdin
from lambdawatch.spark.decode_task import FileResult, Item
from lambdawatch.spark.detect_task import COUNTERS, PartitionResult
from lambdawatch.spark.merge import merge_rows
from lambdawatch.spark.spec import RunSpec, config_rule_dirs, rules_of
from lambdawatch.spark.stats import SparkStats
from lambdawatch.summary import Summary


@dataclass
class SparkOptions:
    master: str | None = None  # e.g. local[4], spark://host:7077, yarn; None: spark-submit's
    partitions: int | None = None  # detection partitions; None: the context's parallelism
    context: Any = None  # an active SparkContext to run on (tests, notebooks)
    stats: SparkStats | None = None  # filled with where the time went (bench/bench_spark.py)


@dataclass
class _Meta:
    outcome: Any
    outside: int
    links: set[tuple[str, ...]]
    per_account: Counter[str]


def _paths(paths: list[str]) -> list[str]:
    return ["s3://" + p[len("s3a://") :] if p.startswith("s3a://") else p for p in paths]


def _spec(opts: HuntOptions) -> RunSpec:
    config = load_config(opts.config_path)
    rows_only = opts.want_rows
    spec = RunSpec(
        rule_dirs=config_rule_dirs(opts.rule_dirs, config),
        config_path=opts.config_path,
        iam_inventory=opts.iam_inventory,
        lambda_inventory=opts.lambda_inventory,
        limits=default_limits(),
        since=opts.since.timestamp() if opts.since else None,
        until=opts.until.timestamp() if opts.until else None,
        rows_only=rows_only,
        s3_client_factory=opts.s3_client_factory,
    )
    rules = rules_of(spec)  # a bad rule file or inventory fails here, in one line, not in a job
    if not rows_only and (opts.iam_inventory or opts.lambda_inventory):
        Detector(rules, config, StreamState(), spec.inventories)
    return spec


def _listing(paths: list[str], factory: Any) -> list[Item | Skipped]:
    out: list[Item | Skipped] = []
    for entry in expand(paths, factory):
        if isinstance(entry, Stdin):
            out.append(Fetched("-", _read_stdin()))
        else:
            out.append(entry)
    return out


def _meta(r: FileResult) -> tuple[int, _Meta, float, float]:
    meta = _Meta(r.outcome, r.outside, r.links, Counter(m.account for m in r.matched))
    return r.index, meta, r.seconds, r.cpu


def _partition_map(metas: dict[int, _Meta], partitions: int, stats: SparkStats) -> dict[str, int]:
    from lambdawatch.spark.grouping import Components, assign

    comps = Components()
    weight: Counter[str] = Counter()
    for meta in metas.values():
        for link in meta.links:
            comps.join(link)
        weight.update(meta.per_account)
    groups = comps.groups()
    by_group: Counter[str] = Counter()
    for account, n in weight.items():
        by_group[groups[account]] += n
    placed = assign(dict(by_group), partitions)
    stats.components = len(by_group)
    return {account: placed[group] for account, group in groups.items()}


def _jobs(
    sc: Any, spec: RunSpec, items: list[tuple[int, Item]], partitions: int | None, stats: SparkStats
) -> tuple[dict[int, _Meta], list[PartitionResult]]:
    from pyspark import StorageLevel

    from lambdawatch.spark.decode_task import decode_partition
    from lambdawatch.spark.detect_task import detect_partition

    began = time.perf_counter()
    bspec = sc.broadcast(spec)
    # small decode tasks (~64 inputs each, at least 4 per core): small results and cached blocks
    slices = max(1, min(len(items), max(sc.defaultParallelism * 4, len(items) // 64)))
    decoded = sc.parallelize(items, slices).mapPartitions(
        lambda it: decode_partition(bspec.value, it)
    )
    decoded.persist(StorageLevel.DISK_ONLY)  # off the JVM heap (the driver's, in local mode)
    try:
        collected = decoded.map(_meta).collect()
        metas = {index: meta for index, meta, _, _ in collected}
        stats.decode_task_s = sum(c[2] for c in collected)
        stats.decode_cpu_s = sum(c[3] for c in collected)
        n = partitions or sc.defaultParallelism
        bmap = sc.broadcast(_partition_map(metas, n, stats))
        keyed = decoded.flatMap(
            lambda r: (((bmap.value[m.account], m.ts, m.event_id), m) for m in r.matched)
        )
        ordered = keyed.repartitionAndSortWithinPartitions(
            n, partitionFunc=lambda k: k[0], keyfunc=lambda k: (k[1], k[2])
        )
        # one partition's result at a time through the JVM (a large account's alerts are big)
        results = list(
            ordered.mapPartitions(lambda it: detect_partition(bspec.value, it)).toLocalIterator(
                prefetchPartitions=False
            )
        )
    finally:
        decoded.unpersist()
    stats.jobs_s = time.perf_counter() - began
    stats.detect_task_s = sum(r.seconds for r in results)
    stats.detect_cpu_s = sum(r.cpu for r in results)
    stats.inputs, stats.partitions = len(items), n
    return metas, results


def _fold(
    opts: HuntOptions, listing: list[Item | Skipped], metas: dict[int, _Meta], summary: Summary
) -> None:
    """The Summary exactly as the local engine fills it: inputs in listing order."""
    for index, entry in enumerate(listing):
        if isinstance(entry, Skipped):
            summary.add(entry)
            if opts.on_progress:
                opts.on_progress(entry, summary)
            continue
        meta = metas[index]
        summary.add(meta.outcome)
        if meta.outcome.decoded is not None:
            if meta.outside:
                summary.skip_record(meta.outcome.name, "outside --since/--until", meta.outside)
            summary.records_matched += sum(meta.per_account.values())
        if opts.on_progress:
            opts.on_progress(meta.outcome, summary)


def run_spark_hunt(opts: HuntOptions, spark: SparkOptions | None = None) -> HuntResult:
    """Run ``hunt`` on Spark; the result (and the sink's alerts) as :func:`run_hunt` gives."""
    from lambdawatch.spark.session import open_context

    spark = spark or SparkOptions()
    stats = spark.stats if spark.stats is not None else SparkStats()
    if opts.state_path is not None:
        raise UsageError("--engine spark does not take --state (a state file is one machine's)")
    paths = _paths(opts.paths)
    check_paths(paths)
    spec = _spec(opts)
    listing = _listing(paths, opts.s3_client_factory)
    items = [(i, e) for i, e in enumerate(listing) if not isinstance(e, Skipped)]
    metas: dict[int, _Meta] = {}
    results: list[PartitionResult] = []
    if items:
        began = time.perf_counter()
        sc, started = (
            (spark.context, False) if spark.context is not None else open_context(spark.master)
        )
        stats.startup_s = time.perf_counter() - began
        try:
            metas, results = _jobs(sc, spec, items, spark.partitions, stats)
        except LambdawatchError:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed job (py4j): one line, exit 2
            first = (str(exc).strip().splitlines() or [""])[0]
            raise SparkError(
                f"the Spark job failed ({type(exc).__name__}: {first[:300]})"
            ) from None
        finally:
            if started:
                sc.stop()
    summary = Summary()
    _fold(opts, listing, metas, summary)
    summary.duplicates = summary.records_matched - sum(r.new_records for r in results)
    if spec.rows_only:
        summary.alerts_computed = False
        rows = merge_rows(rules_of(spec), [r.groups for r in results])
        return HuntResult([], [], rows, summary)
    for r in results:
        for name in COUNTERS:
            setattr(summary, name, getattr(summary, name) + r.counts.get(name, 0))
        summary.analyzer_errors.extend(r.analyzer_errors)
    alerts = sorted(
        (a for r in results for a in r.alerts), key=lambda a: (a["first_seen"], a["id"])
    )
    if opts.sink is not None:
        opts.sink(_iter(alerts))
        return HuntResult([], [], [], summary)
    return HuntResult(alerts, list(alerts), [], summary)


def _iter(alerts: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from alerts
