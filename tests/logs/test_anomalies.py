"""Invocation and cost anomalies on generated series: each must fire, each benign twin must not."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from lambdawatch.logs.history import History, load_history, schedule_period
from tests.logs import series as s
from tests.logs.helpers import kinds, verdict


@pytest.fixture(scope="module")
def history(state_db: Path) -> History:
    return load_history(str(state_db))


def test_beacon_every_five_minutes_fires() -> None:
    result = verdict("implant", s.export_lines(s.beacon(300)))
    assert kinds(result) == [("beaconing", "LG201")]
    ev = result["findings"][0]["evidence"]
    assert ev["period_s"] == 300.0 and ev["invocations"] == 576 and ev["known_schedules"] == []


def test_five_minute_schedule_known_from_state_is_not_beaconing(history: History) -> None:
    assert history.schedules["ticker"] == [("tick-5m", "rate(5 minutes)", 300)]
    assert kinds(verdict("ticker", s.export_lines(s.beacon(300)), history)) == []
    # the same cadence on a function the schedule does not target is still a beacon
    assert kinds(verdict("payments-2", s.export_lines(s.beacon(300)), history)) == [
        ("beaconing", "LG201")
    ]


def test_steady_api_and_daily_batch_are_quiet() -> None:
    assert kinds(verdict("api", s.export_lines(s.steady_api()))) == []
    batch = verdict("nightly", s.export_lines(s.daily_batch()))
    assert kinds(batch) == [] and batch["invocations"] == 210


def test_invocation_spike_fires_and_its_twin_does_not() -> None:
    result = verdict("api", s.export_lines(s.spike(s.steady_api(), 50, 1500)))
    assert kinds(result) == [("invocation-spike", "LG202")]
    assert result["findings"][0]["evidence"]["hour"] == "2025-03-16T02:00:00Z"
    # a rise to 1.5x the usual rate is ordinary variation, not a spike
    assert kinds(verdict("api", s.export_lines(s.spike(s.steady_api(), 50, 60)))) == []


def test_duration_anomaly_fires_and_its_twin_does_not() -> None:
    result = verdict("api", s.export_lines(s.slow_hour(s.steady_api(), 50, 5.0)))
    assert kinds(result) == [("duration-anomaly", "LG203")]
    assert result["findings"][0]["evidence"]["hour"] == "2025-03-16T02:00:00Z"
    assert kinds(verdict("api", s.export_lines(s.slow_hour(s.steady_api(), 50, 1.3)))) == []


def test_long_hot_runs_fire_and_a_long_cool_batch_does_not() -> None:
    result = verdict("miner", s.export_lines(s.mining(900, 6)))
    assert kinds(result) == [("long-hot-run", "LG204")]
    assert result["findings"][0]["evidence"]["runs"] == 6
    cool = [(st, d, m, 1000) for st, d, m, _ in s.mining(900, 6)]  # long but a third of memory
    assert kinds(verdict("batch", s.export_lines(cool))) == []


def test_log_gap_fires_when_logging_stops_for_hours() -> None:
    runs = s.steady_api(hours=72)
    silent = [r for r in runs if not (s.T0 + 40 * 3600 <= r[0] < s.T0 + 46 * 3600)]
    result = verdict("api", s.export_lines(silent))
    assert kinds(result) == [("log-gap", "LG106")]
    assert result["findings"][0]["evidence"]["usual_interval_s"] < 60


def test_errors_after_a_code_change(history: History) -> None:
    runs = s.steady_api(hours=48)
    change = s.T0 + 30 * 3600
    app = {
        n: ["[ERROR] Runtime.ImportModuleError: Unable to import module 'index'"]
        for n, r in enumerate(runs)
        if change <= r[0] < change + 1800
    }
    result = verdict("payments", s.export_lines(runs, app=app), history)
    assert kinds(result) == [("errors-after-change", "LG107")]
    ev = result["findings"][0]["evidence"]
    assert ev["change_event_id"] == "00000000-0000-4000-8000-000000000003"
    # the same errors a day before the change (no change near them) do not fire
    early = {
        n: app_lines
        for n, app_lines in (
            (n, ["[ERROR] boom"]) for n, r in enumerate(runs) if r[0] < s.T0 + 1800
        )
    }
    assert kinds(verdict("payments", s.export_lines(runs, app=early), history)) == []


def test_init_duration_jump_after_a_layer_change(history: History) -> None:
    runs = s.steady_api(hours=48)
    change = s.T0 + 30 * 3600
    init = {n: (1400.0 if r[0] >= change else 180.0) for n, r in enumerate(runs) if n % 20 == 0}
    result = verdict("layered", s.export_lines(runs, init=init), history)
    assert kinds(result) == [("duration-anomaly", "LG206")]
    assert result["findings"][0]["evidence"]["init_ms"] == {"before": 180.0, "after": 1400.0}
    steady_init = {n: 180.0 for n in init}
    assert kinds(verdict("layered", s.export_lines(runs, init=steady_init), history)) == []


def test_cost_is_billed_gb_seconds_times_price_plus_requests() -> None:
    rnd = random.Random(7)  # random arrivals over ~5.5 h of one day, billed 1000 ms at 1 GB
    runs = [
        (t, 999.0, 1024, 100) for t in sorted(s.T0 + rnd.uniform(0, 20000) for _ in range(1000))
    ]
    x86 = verdict("f", s.export_lines(runs))
    arm = verdict("f", s.export_lines(runs), arch="arm64")
    assert x86["estimated_cost_usd"] == pytest.approx(
        1000 * 0.0000166667 + 1000 * 0.0000002, abs=1e-6
    )
    assert arm["estimated_cost_usd"] == pytest.approx(
        1000 * 0.0000133334 + 1000 * 0.0000002, abs=1e-6
    )
    over = verdict("f", s.export_lines(runs), budget_usd=0.01)
    assert kinds(over) == [("cost-over-budget", "LG205")]
    assert over["findings"][0]["evidence"]["days_over"] == {"2025-03-14": 0.016867}
    assert kinds(verdict("f", s.export_lines(runs), budget_usd=1.0)) == []


@pytest.mark.parametrize(
    ("expr", "period"),
    [
        ("rate(5 minutes)", 300),
        ("rate(1 hour)", 3600),
        ("cron(0/5 * * * ? *)", 300),
        ("cron(* * * * ? *)", 60),
        ("cron(15 2 * * ? *)", 86400),
        ("cron(0 0/6 * * ? *)", 21600),
        ("cron(0 9 ? * MON-FRI *)", 86400),
        ("at(2025-03-14T09:00:00)", None),
    ],
)
def test_schedule_periods(expr: str, period: int | None) -> None:
    assert schedule_period(expr) == period
