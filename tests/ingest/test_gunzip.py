"""Gzip is read as zcat reads it, and never past the inflate cap."""

from __future__ import annotations

from lambdawatch.ingest.gunzip import inflate
from lambdawatch.ingest.limits import MIB, Limits
from tests.ingest.helpers import GOOD, GOOD_IDS, bomb, decoded, gz, ids, with_records

CAP = 1 << 30


def test_one_member_is_read_whole() -> None:
    data = with_records(*GOOD)
    assert inflate(gz(data), CAP) == (data, None)


def test_plain_bytes_pass_through() -> None:
    assert inflate(b'{"Records":[]}', CAP) == (b'{"Records":[]}', None)


def test_several_members_are_all_read() -> None:
    a, b = with_records(GOOD[0])[:-2] + b",", with_records(GOOD[1], GOOD[2])[12:]
    out, problem = inflate(gz(a) + gz(b), CAP)
    assert (bytes(out), problem) == (a + b, None)
    assert ids(decoded(gz(a) + gz(b))) == GOOD_IDS


def test_same_content_twice_in_two_members_is_read_twice() -> None:
    line = b'{"eventVersion":"1.08"}\n'
    out, problem = inflate(gz(line) + gz(line), CAP)
    assert (bytes(out), problem) == (line + line, None)


def test_empty_member_before_the_data_is_not_the_end() -> None:
    data = with_records(*GOOD)
    out, problem = inflate(gz(b"") + gz(data), CAP)
    assert (bytes(out), problem) == (data, None)
    assert ids(decoded(gz(b"") + gz(data))) == GOOD_IDS


def test_trailing_zero_bytes_are_reported_and_the_records_kept() -> None:
    out = decoded(gz(with_records(*GOOD)) + b"\x00" * 7)
    assert ids(out) == GOOD_IDS
    assert out.problem == "7 trailing zero bytes after the gzip data ignored"


def test_trailing_junk_is_reported_and_the_records_kept() -> None:
    out = decoded(gz(with_records(*GOOD)) + b"junk!")
    assert ids(out) == GOOD_IDS
    assert out.problem == "5 bytes of trailing junk after the gzip data ignored"


def test_truncated_stream_keeps_what_inflated() -> None:
    data = gz(with_records(*GOOD))
    out, problem = inflate(data[:-10], CAP)
    assert problem == f"truncated gzip; recovered {len(out)} bytes"
    assert with_records(*GOOD).startswith(bytes(out))


def test_corrupt_stream_keeps_what_inflated() -> None:
    data = bytearray(gz(with_records(*GOOD) * 50))
    data[len(data) // 2] ^= 0xFF
    _, problem = inflate(bytes(data), CAP)
    assert problem is not None and problem.startswith(("corrupt gzip", "truncated gzip"))


def test_bomb_stops_at_the_cap_and_says_so() -> None:
    data = bomb(64 * MIB)
    assert len(data) < 100_000
    out, problem = inflate(data, 4 * MIB)
    assert len(out) == 4 * MIB
    assert problem == "inflates past the 4 MiB cap (--max-inflate); read the first 4 MiB"


def test_bomb_after_good_records_keeps_the_records() -> None:
    head = with_records(*GOOD)[:-2] + b","
    out = decoded(bomb(32 * MIB, head), Limits(max_inflate=2 * MIB))
    assert ids(out) == GOOD_IDS
    assert out.problem is not None and out.problem.startswith("inflates past the 2 MiB cap")


def test_plain_file_past_the_cap_is_cut_and_reported() -> None:
    out, problem = inflate(b" " * 10, 4)
    assert bytes(out) == b"    "
    assert problem == "larger than the 4 bytes cap (--max-inflate); read the first 4 bytes"


def test_plain_file_at_the_cap_is_whole() -> None:
    assert inflate(b" " * 4, 4) == (b"    ", None)


def test_stdin_past_the_cap_is_cut_and_reported() -> None:
    from tests.conftest import jsonl, run_cli

    data = with_records(*GOOD)
    result = run_cli(
        "hunt",
        "-",
        "--format",
        "jsonl",
        "--workers",
        "1",
        "--max-inflate",
        str(len(data) - 2),
        input=data + b"    ",
    )
    assert result.exit_code == 0
    assert sorted(e for a in jsonl(result.stdout) for e in a["event_ids"]) == GOOD_IDS
    assert (
        f"partly read: -: larger than the {len(data) - 2} bytes cap (--max-inflate); read "
        f"the first {len(data) - 2} bytes"
    ) in result.stderr
