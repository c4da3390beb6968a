"""Runtime and configuration red flags from events: deprecated (judged at the event's time),
custom, container image, high resources (configurable), VPC egress (when known)."""

from __future__ import annotations

from lambdawatch.analyze.configuration import analyze_configuration
from lambdawatch.analyze.runtimes import analyze_runtime
from lambdawatch.config import Config, Thresholds
from lambdawatch.engine.context import HuntContext
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.inventory.lambda_inventory import LambdaInventory
from tests.analyze.helpers import alerts, create_fn, event, findings_of, update_code

RULES = RuleSet.load()


def _rt(time: str, **req: object) -> list[tuple[str, str, str]]:
    return [
        (f.kind, f.code, f.severity)
        for f in analyze_runtime(event(create_fn(1, "orders-api", time, **req)), None)
    ]


def test_deprecated_runtime_fires_with_its_date() -> None:
    [f] = analyze_runtime(
        event(create_fn(1, "orders-api", "2025-03-14T09:00:00Z", runtime="python3.7")), None
    )
    assert (f.kind, f.code) == ("deprecated-runtime", "RT101")
    assert f.evidence == {
        "runtime": "python3.7",
        "deprecated_since": "2023-12-04",
        "judged_at": "2025-03-14",
        "source": "event",
    }


def test_deprecation_is_judged_at_the_event_time_not_today() -> None:
    assert _rt("2025-06-01T00:00:00Z", runtime="python3.9") == []
    assert _rt("2025-12-15T00:00:00Z", runtime="python3.9") == [
        ("deprecated-runtime", "RT101", "medium")
    ]
    assert _rt("2023-01-01T00:00:00Z", runtime="python3.7") == []


def test_current_managed_runtime_is_silent() -> None:
    assert _rt("2025-03-14T09:00:00Z", runtime="python3.12") == []
    assert _rt("2025-03-14T09:00:00Z", runtime="nodejs22.x") == []


def test_custom_runtimes() -> None:
    assert _rt("2025-03-14T09:00:00Z", runtime="provided.al2023") == [
        ("custom-runtime", "RT102", "low")
    ]
    # provided (AL1) is both custom and deprecated since 2024-01-08
    assert _rt("2025-03-14T09:00:00Z", runtime="provided") == [
        ("deprecated-runtime", "RT101", "medium"),
        ("custom-runtime", "RT102", "low"),
    ]


def test_container_image() -> None:
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a" * 64
    r = create_fn(1, "orders-api", packageType="Image", code={"imageUri": uri})
    r["requestParameters"].pop("runtime")
    r["responseElements"].pop("runtime")
    [f] = analyze_runtime(event(r), None)
    assert (f.kind, f.code, f.evidence["imageUri"]) == ("container-image", "RT103", uri)
    assert _rt("2025-03-14T09:00:00Z", packageType="Zip") == []


def _ctx(config: Config | None = None, inventory: LambdaInventory | None = None) -> HuntContext:
    ctx = HuntContext(RULES, config if config is not None else Config())
    if inventory is not None:
        ctx.lambda_inventory = inventory
    return ctx


def test_high_memory_and_timeout() -> None:
    [f] = analyze_configuration(
        event(create_fn(1, "orders-api", memorySize=3008, timeout=900)), _ctx()
    )
    assert (f.kind, f.code) == ("high-resources", "CF101")
    assert f.evidence == {
        "memory_mb": 3008,
        "timeout_s": 900,
        "thresholds": {"memory_mb": 3008, "timeout_s": 600},
        "source": "event",
    }


def test_ordinary_resources_are_silent_and_thresholds_are_configurable() -> None:
    ordinary = event(create_fn(1, "orders-api", memorySize=1536, timeout=30))
    assert analyze_configuration(ordinary, _ctx()) == []
    tight = _ctx(Config(thresholds=Thresholds(memory_mb=1024)))
    [f] = analyze_configuration(ordinary, tight)
    assert f.evidence["memory_mb"] == 1536


def test_vpc_egress_only_when_security_groups_are_known() -> None:
    r = create_fn(
        1,
        "orders-api",
        vpcConfig={"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-open", "sg-tight"]},
    )
    assert analyze_configuration(event(r), _ctx()) == []  # unknown egress: no guess
    inv = LambdaInventory()
    inv.add(
        {
            "SecurityGroups": [
                {
                    "GroupId": "sg-open",
                    "IpPermissionsEgress": [
                        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                    ],
                },
                {
                    "GroupId": "sg-tight",
                    "IpPermissionsEgress": [
                        {
                            "IpProtocol": "tcp",
                            "FromPort": 443,
                            "ToPort": 443,
                            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                        }
                    ],
                },
            ]
        },
        "t",
    )
    [f] = analyze_configuration(event(r), _ctx(inventory=inv))
    assert (f.kind, f.code, f.evidence["security_groups"]) == (
        "vpc-egress-unrestricted",
        "CF102",
        ["sg-open"],
    )
    r2 = create_fn(
        2, "orders-api", vpcConfig={"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-tight"]}
    )
    assert analyze_configuration(event(r2), _ctx(inventory=inv)) == []


def test_config_thresholds_reach_the_hunt(tmp_path) -> None:
    cfg = tmp_path / "lw.toml"
    cfg.write_text("[thresholds]\ntimeout_s = 60\n")
    out = alerts(tmp_path, [create_fn(1, "orders-api", timeout=120)], "--config", str(cfg))
    assert findings_of(out[0], "high-resources")[0]["evidence"]["timeout_s"] == 120
    # an update that changes no resources says nothing
    assert (
        findings_of(
            alerts(tmp_path / "b", [update_code(2, "orders-api", "2025-03-14T08:00:00Z")])[0],
            "high-resources",
        )
        == []
    )
