"""Which canonical callees are network calls, decoders, exec sinks, process launches..."""

from __future__ import annotations

from lambdawatch.codescan.ir import norm

NET_PREFIXES = (
    "requests.",
    "httpx.",
    "urllib3.",
    "aiohttp.",
    "urllib.request.urlopen",
    "urllib2.urlopen",
    "urllib.urlopen",
    "http.client.http",
    "httplib.http",
    "socket.createconnection",
    "socket.socket.connect",
    "socket.socket.sendto",
    "fetch",
    "axios",
    "https.request",
    "https.get",
    "http.request",
    "http.get",
    "net.connect",
    "net.createconnection",
    "net.socket.connect",
    "tls.connect",
    "needle",
    "got",
    "superagent",
    "curl",
    "wget",
    "nc",
    "ncat",
    "socat",
    "telnet",
    "pycurl.",
    "xmlhttprequest.open",
    "socket.gethostbyname",
    "socket.getaddrinfo",
    "dns.lookup",
    "dns.resolve",
    "dns.promises.",
    "dns.resolver.resolve",
    "dns.resolver.query",
    "nslookup",
    "dig",
)
OPEN_PREFIXES = frozenset({"http.client.http", "httplib.http", "urllib3."})
DECODERS = frozenset(
    {
        "base64.b64decode",
        "base64.decodebytes",
        "base64.decodestring",
        "base64.b32decode",
        "base64.b85decode",
        "base64.a85decode",
        "base64.urlsafeb64decode",
        "base64.standardb64decode",
        "binascii.a2bbase64",
        "binascii.unhexlify",
        "binascii.a2bhex",
        "codecs.decode",
        "bytes.fromhex",
        "zlib.decompress",
        "gzip.decompress",
        "bz2.decompress",
        "lzma.decompress",
        "marshal.loads",
        "atob",
        "base64.decode",
    }
)
BASE64 = frozenset(
    {
        "base64.b64decode",
        "base64.decodebytes",
        "base64.decodestring",
        "base64.urlsafeb64decode",
        "base64.standardb64decode",
        "binascii.a2bbase64",
        "atob",
        "base64.decode",
    }
)
EXEC_SINKS = frozenset(
    {
        "exec",
        "eval",
        "compile",
        "execfile",
        "builtins.exec",
        "builtins.eval",
        "function",
        "vm.runinthiscontext",
        "vm.runinnewcontext",
        "vm.runincontext",
        "vm.script",
        "vm.compilefunction",
        "source",
        "pickle.loads",
        "marshal.loads",
        "importlib.import_module",
    }
)
PROCESS_PREFIXES = (
    "subprocess.",
    "os.system",
    "os.popen",
    "os.exec",
    "os.spawn",
    "os.posixspawn",
    "commands.",
    "popen2.",
    "childprocess.",
    "pty.spawn",
    "asyncio.createsubprocess",
    "execa",
    "shelljs.exec",
)
PROCESS_FUNCS = frozenset(
    {
        "exec",
        "execsync",
        "spawn",
        "spawnsync",
        "execfile",
        "execfilesync",
        "fork",
        "run",
        "call",
        "checkcall",
        "checkoutput",
        "popen",
        "getoutput",
        "getstatusoutput",
        "system",
        "createsubprocessexec",
        "createsubprocessshell",
    }
)
SOCKETS = (
    "socket.socket",
    "socket.createconnection",
    "net.socket",
    "net.connect",
    "net.createconnection",
    "tls.connect",
    "nc",
    "ncat",
    "socat",
)
WIRING = ("os.dup2", "os.dup", "pty.spawn")
SECRET_READS = ("getsecretvalue", "batchgetsecretvalue")
SSM_READS = ("getparameter", "getparameters", "getparametersbypath", "getparameterhistory")
IAM_VERBS = (
    "createuser",
    "createaccesskey",
    "attachuserpolicy",
    "putuserpolicy",
    "createloginprofile",
    "updateloginprofile",
    "updateassumerolepolicy",
    "attachrolepolicy",
    "putrolepolicy",
    "addusertogroup",
    "createrole",
)
CRED_CALLS = (
    "getcredentials",
    "getfrozencredentials",
    "getsecretvalue",
    "getparameter",
    "getsessiontoken",
    "assumerole",
    "fromenv",
    "defaultprovider",
    "createaccesskey",
)
AWS_CRED_ENV = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "*",
    }
)
LOG_CALLS = frozenset(
    {
        "print",
        "pprint.pprint",
        "console.log",
        "console.info",
        "console.error",
        "console.warn",
        "console.debug",
        "sys.stdout.write",
        "sys.stderr.write",
        "process.stdout.write",
        "process.stderr.write",
    }
)
LOG_METHODS = ("info", "debug", "warning", "warn", "error", "critical", "exception", "log")
FILE_WRITES = (
    ".write",
    ".writelines",
    "json.dump",
    "writefilesync",
    "writefile",
    "appendfile",
    "appendfilesync",
    "writetext",
    "writebytes",
    "pickle.dump",
)
RESPONSE_CALLS = ("callback", "res.send", "res.json", "res.end", "response.send")
SECRET_STORES = ("putsecretvalue", "createsecret", "updatesecret")
CRED_ENV = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "*",
    }
)
CRED_WORDS = ("SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY")
NOT_CRED = (
    "_PORT",
    "_ARN",
    "_NAME",
    "_ENDPOINT",
    "_URL",
    "_URI",
    "_REGION",
    "_TTL",
    "_PATH",
    "_ENABLED",
    "_HOST",
    "_ID",
    "_TIMEOUT",
    "_SIZE",
    "_LEVEL",
)
SHELLS = (
    "/bin/sh",
    "/bin/bash",
    "/bin/zsh",
    "/bin/dash",
    "cmd.exe",
    "powershell",
    "sh -i",
    "bash -i",
    "/bin/ash",
)


def is_net(callee: str) -> bool:
    """A network call. Prefixes ending in ``.`` cover a module; other entries must match the
    whole name or a member of it (``fetch``, ``axios.post``), so ``fetch_user`` is not one."""
    n = norm(callee)
    if n.endswith((".urlopen", "axios.post", "axios.get")):
        return True
    for p in NET_PREFIXES:
        if n.startswith(p) and (
            p.endswith(".") or p in OPEN_PREFIXES or len(n) == len(p) or n[len(p)] == "."
        ):
            return True
    return False


def is_decoder(callee: str) -> bool:
    n = norm(callee)
    return n in DECODERS or n.endswith((".b64decode", ".decodebytes", ".fromhex", "decompress"))


def is_base64(callee: str) -> bool:
    n = norm(callee)
    return n in BASE64 or n.endswith(".b64decode")


def is_exec(callee: str) -> bool:
    n = norm(callee)
    return n in EXEC_SINKS or n.endswith((".runinthiscontext", ".runinnewcontext"))


def is_process(callee: str) -> bool:
    n = norm(callee)
    if not n.startswith(PROCESS_PREFIXES):
        return False
    last = n.rsplit(".", 1)[-1]
    if n.startswith(("os.exec", "os.spawn", "os.posixspawn", "pty.spawn", "execa")):
        return n.count(".") <= 1
    return last in PROCESS_FUNCS and n.count(".") <= 2


def is_socket(callee: str) -> bool:
    return norm(callee).startswith(SOCKETS)


def is_wiring(callee: str) -> bool:
    n = norm(callee)
    return n.startswith(WIRING) or n.endswith((".pipe", ".fileno"))


def is_cred_env(key: str) -> bool:
    up = key.upper()
    if key in CRED_ENV:
        return True
    return any(w in up for w in CRED_WORDS) and not up.endswith(NOT_CRED)


def has_verb(callee: str, verbs: tuple[str, ...]) -> bool:
    last = norm(callee).rsplit(".", 1)[-1].removesuffix("command")
    return last in verbs


def is_log(callee: str) -> bool:
    n = norm(callee)
    if n in LOG_CALLS:
        return True
    base, _, last = n.rpartition(".")
    return last in LOG_METHODS and ("log" in base or "console" in base)


def is_file_write(callee: str) -> bool:
    return norm(callee).endswith(FILE_WRITES)


def is_response(callee: str) -> bool:
    n = norm(callee)
    return n in RESPONSE_CALLS or n.endswith((".send", ".json")) and n.startswith(("res", "reply"))
