"""The one secrets module: every pattern masks what it must (``****(N chars)``) and leaves its
look-alike exact; masking is idempotent; JSON-like values keep every other value and shape."""

from __future__ import annotations

import pytest

from lambdawatch.secrets import find_secrets, mask, redact, redact_value, scan_variable

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GH = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

# (pattern, text that must be masked, what it must become)
MUST_FIRE = [
    ("aws-access-key-id", "ua aws-cli/2 AKIAIOSFODNN7EXAMPLE x", "ua aws-cli/2 ****(20 chars) x"),
    ("aws-access-key-id", "code/ASIAY34FZKBOKMUTVV7A/app.zip", "code/****(20 chars)/app.zip"),
    (
        "aws-secret-access-key",
        f"aws_secret_access_key={SECRET_KEY}",
        "aws_secret_access_key=****(40 chars)",
    ),
    (
        "password-in-url",
        "postgres://app:Sup3r-s3cret@db.internal:5432/x",
        "postgres://app:****(12 chars)@db.internal:5432/x",
    ),
    (
        "secret-assignment",
        "s3://b/k?X-Amz-Signature=0a1b2c3d4e5f&X-Amz-Date=1",
        "s3://b/k?X-Amz-Signature=****(12 chars)&X-Amz-Date=1",
    ),
    (
        "secret-assignment",
        'cfg {"db_password": "hunter2hunter2"}',
        'cfg {"db_password": "****(14 chars)"}',
    ),
    ("secret-assignment", "token: abcd1234efgh", "token: ****(12 chars)"),
    (
        "bearer-token",
        "Authorization: Bearer abcdefghijklmnopqrstu",
        "Authorization: Bearer ****(21 chars)",
    ),
    ("github-token", f"git clone https://x/{GH}", "git clone https://x/****(40 chars)"),
    ("jwt", f"id={JWT[:5]} {JWT}", f"id={JWT[:5]} ****({len(JWT)} chars)"),
    (
        "private-key",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----****(66 chars)",
    ),
]
# Look-alikes that are not secrets: they stay exact.
MUST_NOT_FIRE = [
    "AROAEXAMPLEPAYM:gha-run-1",  # role unique id, not a key
    "AIDAEXAMPLE1234567890",  # user unique id
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass-AbCdEf",  # a reference
    'password = os.environ["DB_PASSWORD"]',  # code reading a secret
    "password=None",  # placeholder
    "https://www.terraform.io/docs",  # a URL without credentials
    "sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",  # 40 hex chars, no key context
    "token: ****(12 chars)",  # already masked
    "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.5.0 lang/python#3.11.6",
]


@pytest.mark.parametrize("name, text, expected", MUST_FIRE)
def test_each_pattern_masks_its_secret(name: str, text: str, expected: str) -> None:
    assert redact(text) == expected
    assert name in {m.name for m in find_secrets(text)}
    assert redact(expected) == expected  # idempotent


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_look_alikes_stay_exact(text: str) -> None:
    assert redact(text) == text
    assert list(find_secrets(text)) == []


def test_mask_shows_the_length_only() -> None:
    assert mask("hunter2") == "****(7 chars)"


def test_redact_value_masks_inside_structures_and_keeps_the_rest() -> None:
    value = {
        "user_agents": ["x AKIAIOSFODNN7EXAMPLE"],
        "count": 3,
        "ok": True,
        "none": None,
        "env": {"DB_PASSWORD": "plain-but-named", "API_TOKEN": "${ssm:/x}", "PORT": "5432"},
        "nested": [{"s3Key": "k/AKIAIOSFODNN7EXAMPLE.zip"}],
    }
    assert redact_value(value) == {
        "user_agents": ["x ****(20 chars)"],
        "count": 3,
        "ok": True,
        "none": None,
        "env": {"DB_PASSWORD": "****(15 chars)", "API_TOKEN": "${ssm:/x}", "PORT": "5432"},
        "nested": [{"s3Key": "k/****(20 chars).zip"}],
    }
    clean = {"principals": ["arn:aws:iam::111122223333:user/alice"], "risk": 40}
    assert redact_value(clean) is clean  # nothing to mask: no copy


@pytest.mark.parametrize(
    "name, value, detector",
    [
        ("DB_URL", "postgres://app:Sup3r-s3cret@db:5432/x", "password-in-connection-string"),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY, "aws-secret-access-key"),
        ("GITHUB", GH, "github-token"),
    ],
)
def test_env_detectors_use_the_one_mask(name: str, value: str, detector: str) -> None:
    hit = scan_variable(name, value)
    assert hit is not None and hit.detector == detector
    assert value not in hit.value_shown and "****(" in hit.value_shown


def test_env_look_alikes_are_not_secrets() -> None:
    assert scan_variable("LOG_LEVEL", "INFO") is None
    assert scan_variable("DB_PASSWORD", "{{resolve:secretsmanager:db}}") is None
    assert scan_variable("REQUEST_ID", "4f1c2d3e-0000-4000-8000-000000000000") is None


def test_old_module_names_still_import() -> None:
    from lambdawatch.analyze.secrets import mask as analyze_mask
    from lambdawatch.analyze.secrets import scan_variable as analyze_scan
    from lambdawatch.codescan.secrets import mask as codescan_mask
    from lambdawatch.codescan.secrets import redact as codescan_redact

    assert analyze_mask is codescan_mask is mask
    assert analyze_scan is scan_variable and codescan_redact is redact


def test_the_gate_backends_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hyperscan and the literal-windowed fallback say the same on every case above and on the
    golden alerts (a "no" from the gate must be exact: it skips the patterns)."""
    from lambdawatch.secret_gate import Gate
    from lambdawatch.secrets import GATE_EXPRESSIONS
    from tests.conftest import ROOT

    fast = Gate(GATE_EXPRESSIONS)
    monkeypatch.setenv("LAMBDAWATCH_NO_HYPERSCAN", "1")
    slow = Gate(GATE_EXPRESSIONS)
    assert slow.backend == "re"
    golden = (ROOT / "tests" / "golden" / "examples.alerts.jsonl").read_bytes().splitlines()
    cases = [t.encode() for _, t, _ in MUST_FIRE] + [t.encode() for t in MUST_NOT_FIRE] + golden
    for data in cases:
        assert fast(data) == slow(data), data[:80]
    for _, text, _ in MUST_FIRE:
        assert slow(text.encode())
