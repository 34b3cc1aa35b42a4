"""The kinds of value the lab's variables take: one check each, shared by every role.

Each kind is checked against what its consumer accepts (Docker, systemd, nginx, S3, PostgreSQL,
MLflow), not only against its look, and always over the whole value: Python's ``$`` matches
before a final newline, so every pattern here is applied with ``fullmatch``. Used by the test
plugins (``x is mlops_vm.lab.port``) and by the ``mlops_vm.lab.problems`` filter, which turns a
table of {variable: [value, kind, ...]} into one message per wrong variable that names it, the
value and what is allowed.
"""

from __future__ import annotations

import ipaddress
import os
import posixpath
import re
import warnings

# A DNS name or an IPv4 address (a Host header, a certificate name, a URL's host).
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?=.{{1,253}}\Z){_LABEL}(\.{_LABEL})*")
_BUCKET = re.compile(
    r"(?!xn--|sthree-|amzn-s3-demo-)(?!.*(-s3alias|--ol-s3|--x-s3|--table-s3)\Z)(?!.*\.\.)"
    r"(?!(\d{1,3}\.){3}\d{1,3}\Z)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
)
# A pip requirement: a name, extras, version constraints, environment markers; never an
# installer option (--extra-index-url ...) or a URL.
_REQUIREMENT = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?"
    r"( *(==|>=|<=|~=|!=|<|>) *[A-Za-z0-9.*+!_-]+( *, *(==|>=|<=|~=|!=|<|>) *[A-Za-z0-9.*+!_-]+)*)?"
    r"( *;[ A-Za-z0-9_.<>=!\"'-]+)?"
)
# Docker's image reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest].
_DOMAIN = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE = re.compile(
    rf"(?:{_DOMAIN}/)?{_PATH_PART}(?:/{_PATH_PART})*(?::[\w][\w.-]{{0,127}})?(?:@sha256:[a-f0-9]{{64}})?"
)
# MLflow gc's --older-than, as mlflow/cli parses it (each part then goes through float()).
_MLFLOW_DURATION = re.compile(
    r"((?P<days>[\.\d]+?)d)?((?P<hours>[\.\d]+?)h)?((?P<minutes>[\.\d]+?)m)?((?P<seconds>[\.\d]+?)s)?"
)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
# Directories a lab role must never own, chown or fill (nor be the root of one).
SYSTEM_DIRS = frozenset(
    [
        "/",
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/media",
        "/mnt",
        "/opt",
        "/proc",
        "/root",
        "/run",
        "/sbin",
        "/srv",
        "/sys",
        "/tmp",  # noqa: S108 - a directory the lab must not own, not a temporary file
        "/usr",
        "/var",
        "/var/lib",
        "/var/cache",
        "/var/log",
        "/var/backups",
        "/var/tmp",  # noqa: S108 - as /tmp
        "/var/run",
        "/var/spool",
    ]
)
SYSTEM_TREES = tuple(
    d + "/"
    for d in [
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/lib",
        "/lib32",
        "/lib64",
        "/proc",
        "/run",
        "/sbin",
        "/sys",
        "/usr",
        "/var/log",
        "/var/run",
        "/var/spool",
    ]
)
# Accounts a Debian/Ubuntu system has or reserves: a lab service must never run as, or take over, one.
SYSTEM_USERS = frozenset(
    [
        "root",
        "daemon",
        "bin",
        "sys",
        "sync",
        "games",
        "man",
        "lp",
        "mail",
        "news",
        "uucp",
        "proxy",
        "www-data",
        "backup",
        "list",
        "irc",
        "gnats",
        "nobody",
        "_apt",
        "systemd-network",
        "systemd-resolve",
        "systemd-timesync",
        "messagebus",
        "sshd",
        "syslog",
        "uuidd",
        "tcpdump",
        "postgres",
        "docker",
        "ubuntu",
        "debian",
        "admin",
    ]
)


def _text(value) -> bool:
    return isinstance(value, str)


def _match(pattern: re.Pattern, value) -> bool:
    return _text(value) and pattern.fullmatch(value) is not None


def whole_number(value) -> int | None:
    """VALUE as an int when it is one (an int, or ASCII digits as -e name=5000 gives), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if _text(value) and value.isascii() and value.isdigit():
        return int(value)
    return None


def number(value) -> float | None:
    """VALUE as a number when it is one (int, float, or their ASCII text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if _text(value) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    return None


def size_bytes(value, units: str = "bkmg") -> int | None:
    """A size such as 512m or 2g (Docker's format; systemd's upper-case units too) in bytes."""
    found = _text(value) and re.fullmatch(rf"([0-9]+)([{units}{units.upper()}]?)", value)
    return int(found.group(1)) * _SIZE_UNITS[found.group(2).lower()] if found else None


def in_range(value, low, high) -> bool:
    """A whole number from LOW to HIGH."""
    n = whole_number(value)
    return n is not None and low <= n <= high


def number_range(value, low, high) -> bool:
    """A number (whole or not) from LOW to HIGH."""
    n = number(value)
    return n is not None and low <= n <= high


def port(value) -> bool:
    """A TCP port, 1-65535, in ASCII digits."""
    return in_range(value, 1, 65535)


def ipv4(value) -> bool:
    try:
        return _text(value) and ipaddress.IPv4Address(value) is not None and str(ipaddress.IPv4Address(value)) == value
    except ValueError:
        return False


def ipv4_source(value) -> bool:
    """An IPv4 address or network (a firewall source)."""
    try:
        return _text(value) and "\n" not in value and ipaddress.IPv4Network(value, strict=False) is not None
    except ValueError:
        return False


def host_name(value) -> bool:
    return _match(_HOST, value)


def interface_name(value) -> bool:
    """A Linux network interface name (a Docker bridge's, named in firewall rules): 1-15 letters,
    digits, _ . -."""
    return _match(re.compile(r"[A-Za-z0-9_.-]{1,15}"), value) and value not in (".", "..")


def name_constraint(value) -> bool:
    """What an X.509 name constraint may permit: a DNS name (with its subdomains), .name (its
    subdomains only), or an IPv4 address or network."""
    if _text(value) and re.fullmatch(r"[0-9./]+", value):
        return ipv4_source(value)
    return host_name(value.removeprefix(".") if _text(value) else value)


def s3_bucket_name(value) -> bool:
    return _match(_BUCKET, value)


def s3_key_prefix(value) -> bool:
    """/-separated parts of letters, digits, . _ -; at most 256 characters, so that MLflow's run
    path after it (experiment, run, artifact path) stays within S3's 1024-byte keys."""
    return _match(re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*"), value) and len(value) <= 256 and ".." not in value


def login_name(value) -> bool:
    """An MLflow or S3 login: letters, digits, . _ @ -, 1-64, a letter or digit first."""
    return _match(re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}"), value)


def hub_login(value) -> bool:
    """A class login that is also a JupyterHub user: lower-case letters, digits, . _ -, 1-50, a letter
    or digit first (JupyterHub lower-cases logins; Docker names the user's server jupyter-<login>)."""
    return _match(re.compile(r"[a-z0-9][a-z0-9._-]{0,49}"), value)


def s3_access_key(value) -> bool:
    """An S3 login (access key): 3-128 letters, digits, . _ -, a letter or digit first (MinIO's minimum is 3)."""
    return _match(re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,127}"), value)


def unix_user(value) -> bool:
    """A user name of the lab's own: useradd's format, not an account the system has or reserves."""
    return _match(re.compile(r"[a-z_][a-z0-9_-]{0,31}"), value) and value not in SYSTEM_USERS


def unit_name(value) -> bool:
    """A systemd unit name (without .service): letters, digits, _ . -, at most 200."""
    return _match(re.compile(r"[A-Za-z0-9_.-]{1,200}"), value) and not value.endswith(".service")


def container_name(value) -> bool:
    return _match(re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}"), value)


def query_parameter(value) -> bool:
    """A URL query parameter's name as the proxy matches it (letters, digits, _ -)."""
    return _match(re.compile(r"[A-Za-z0-9_-]{1,64}"), value)


def mlflow_workspace(value) -> bool:
    """An MLflow workspace name as MLflow 3.17 takes it (WorkspaceNameValidator): 2-63 lower-case
    letters, digits and inner hyphens, not one of the names its URLs keep."""
    return (
        _match(re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"), value)
        and 2 <= len(value) <= 63
        and value not in {"workspaces", "api", "ajax-api", "static-files"}
    )


def pg_identifier(value) -> bool:
    """A lower-case PostgreSQL identifier that needs no quoting (at most 63 bytes)."""
    return _match(re.compile(r"[a-z_][a-z0-9_]{0,62}"), value)


def mlflow_alias(value) -> bool:
    """A registered model's alias as MLflow accepts it (letters, digits, _ -; at most 255)."""
    return _match(re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}"), value) and not re.fullmatch(r"[vV][0-9]+", value)


def release(value) -> bool:
    """A release number like 3.17.2."""
    return _match(re.compile(r"[0-9]+\.[0-9]+\.[0-9]+"), value)


def _url(value, schemes: str, path: bool) -> bool:
    found = _text(value) and re.fullmatch(
        rf"(?:{schemes})://([^/:]+)(?::([0-9]+))?" + (r"(/[A-Za-z0-9._~/-]*)?" if path else "/?"), value
    )
    return bool(found) and host_name(found.group(1)) and (found.group(2) is None or port(found.group(2)))


def http_url(value) -> bool:
    """http(s)://HOST[:PORT][/]: a service's base URL."""
    return _url(value, "https?", path=False)


def https_url(value) -> bool:
    """https://HOST[:PORT][/PATH]: a repository or mirror URL."""
    return _url(value, "https", path=True)


def web_url(value) -> bool:
    """http(s)://HOST[:PORT][/PATH] (a mirror on a trusted network may be plain HTTP)."""
    return _url(value, "https?", path=True)


def apt_proxy(value) -> bool:
    """http://HOST[:PORT][/]: an apt proxy (plain HTTP: apt checks the packages' signatures)."""
    return _url(value, "http", path=False)


def s3_url(value) -> bool:
    """s3://BUCKET/PREFIX with a valid bucket name and a key prefix."""
    found = _text(value) and re.fullmatch(r"s3://([^/]+)(?:/(.*))?", value)
    prefix = found and (found.group(2) or "").rstrip("/")
    return bool(found) and s3_bucket_name(found.group(1)) and (not prefix or s3_key_prefix(prefix))


def email(value) -> bool:
    return _match(re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"), value)


def fingerprint(value) -> bool:
    """An OpenPGP v4 fingerprint: 40 hex digits (spaces allowed between groups)."""
    return _text(value) and re.fullmatch(r"[0-9A-Fa-f]{40}", value.replace(" ", "")) is not None and "\n" not in value


def secret(value, minimum: int = 12) -> bool:
    """MINIMUM or more letters, digits, . _ ~ -: safe in a URI, an env file, an ini file, a command."""
    return _match(re.compile(r"[A-Za-z0-9._~-]+"), value) and len(value) >= minimum


def password(value, minimum: int = 12) -> bool:
    """A password of the user's own: MINIMUM or more printable ASCII characters, no space at either
    end (HTTP logins and configparser files carry nothing else; the roles escape % and quotes)."""
    return _text(value) and len(value) >= minimum and re.fullmatch(r"[!-~]([ -~]*[!-~])?", value) is not None


def origin(value) -> bool:
    """A web origin as browsers send it: http(s)://HOST[:PORT], no path, no wildcard."""
    found = _text(value) and re.fullmatch(r"https?://([^/:]+)(:[0-9]{1,5})?", value)
    return bool(found) and host_name(found.group(1)) and (not found.group(2) or port(found.group(2)[1:]))


def absolute_path(value) -> bool:
    """An absolute path (no colon: the lab joins such paths with colons)."""
    return _text(value) and value.startswith("/") and re.fullmatch(r"[^:\n\x00]+", value) is not None


def requirement(value) -> bool:
    return _match(_REQUIREMENT, value)


def apt_package(value) -> bool:
    """A Debian/Ubuntu package name, optionally =version."""
    return _match(re.compile(r"[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+:~-]+)?"), value)


def image(value) -> bool:
    """A container image reference ([registry[:port]/]name[:tag][@sha256:digest]), as Docker parses it."""
    return _match(_IMAGE, value) and len(value) <= 255


def docker_size(value) -> bool:
    """A size in Docker's format: digits and b, k, m or g (a log file's size)."""
    return size_bytes(value, "bkmg") is not None and size_bytes(value, "bkmg") > 0


def docker_memory(value) -> bool:
    """A container memory limit in Docker's format, at least Docker's minimum of 6 MB."""
    n = size_bytes(value, "bkmg")
    return n is not None and n >= 6 * 1024**2


def systemd_memory(value) -> bool:
    """A systemd MemoryMax for MLflow: like 1536M, at least 1G (it holds about 700 MB idle)."""
    n = size_bytes(value, "KMGT")
    return n is not None and n >= 1024**3


def systemd_size(value) -> bool:
    """A size as systemd's settings read it (journald's SystemMaxUse): digits and K, M, G or T,
    upper-case (systemd takes no lower-case unit)."""
    return _match(re.compile(r"[0-9]+[KMGT]"), value) and int(value[:-1]) > 0


def mlflow_duration(value) -> bool:
    """An age as `mlflow gc --older-than` parses it: 30d, 12h, 1d12h, 90m, 0s."""
    found = _text(value) and value and _MLFLOW_DURATION.fullmatch(value)
    if not found:
        return False
    try:
        return all(float(part) >= 0 for part in found.groupdict().values() if part)
    except ValueError:
        return False


def x509_name(value) -> bool:
    """A certificate subject's common name: 1-64 printable characters (X.509's upper bound)."""
    return _text(value) and 1 <= len(value) <= 64 and value.isprintable() and value == value.strip()


def safe_path(value) -> bool:
    """An absolute, normalised path of the lab's own, not a system directory or inside one."""
    if not _text(value) or not value.startswith("/") or not value.isprintable() or " " in value:
        return False
    if posixpath.normpath(value) != value or "/../" in value + "/" or value.startswith("//"):
        return False
    return value not in SYSTEM_DIRS and not value.startswith(SYSTEM_TREES)


def volume(value) -> bool:
    """A named Docker volume, or an absolute path of the lab's own."""
    return _match(re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]+"), value) or safe_path(value)


def _pem(path, loader) -> bool:
    if not _text(path) or not os.path.isfile(path):
        return False
    try:
        # Quiet: a system CA bundle holds old roots cryptography warns about (a serial number of 0),
        # which it still loads; the warning would reach the run's output on every check.
        with open(path, "rb") as pem, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bool(loader(pem.read()))
    except (ValueError, TypeError, OSError):
        return False


def pem_certificate(path) -> bool:
    """A file on the controller holding one or more PEM X.509 certificates (nginx reads it)."""
    from cryptography import x509

    return _pem(path, x509.load_pem_x509_certificates)


def pem_private_key(path) -> bool:
    """A file on the controller holding an unencrypted PEM private key (nginx reads it at start)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return _pem(path, lambda data: load_pem_private_key(data, password=None))


# kind: (check, what is allowed, for the message). The arguments after the kind in a table row
# go to the check and into the description ({0}, {1}).
KINDS = {
    "port": (port, "a port number 1-65535"),
    "range": (in_range, "a whole number {0}-{1}"),
    "number_range": (number_range, "a number {0}-{1}"),
    "ipv4": (ipv4, "an IPv4 address"),
    "ipv4_source": (ipv4_source, "an IPv4 address or network"),
    "host_name": (host_name, "a DNS name or an IPv4 address"),
    "s3_bucket_name": (
        s3_bucket_name,
        "a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens; a letter or digit at each end;"
        " no '..'; not an IP address)",
    ),
    "interface_name": (interface_name, "a network interface name (1-15 letters, digits, _ . -)"),
    "name_constraint": (
        name_constraint,
        "a DNS name (.example.org for its subdomains only) or an IPv4 address or network",
    ),
    "s3_key_prefix": (s3_key_prefix, "letters, digits, . _ - in /-separated parts, at most 256 characters"),
    "login_name": (login_name, "a login name (letters, digits, . _ @ -, at most 64, a letter or digit first)"),
    "s3_access_key": (s3_access_key, "an S3 login of 3-128 letters, digits, . _ - (a letter or digit first)"),
    "unix_user": (unix_user, "a user name of the lab's own (lower-case letters, digits, _ -), not a system account"),
    "unit_name": (unit_name, "a systemd unit name without .service (letters, digits, _ . -)"),
    "container_name": (container_name, "a container name (letters, digits, _ . -, at most 63)"),
    "hub_login": (hub_login, "a lower-case login (letters, digits, . _ -, at most 50, a letter or digit first)"),
    "query_parameter": (query_parameter, "a URL query parameter's name (letters, digits, _ -)"),
    "mlflow_workspace": (
        mlflow_workspace,
        "a workspace name (2-63 lower-case letters, digits and inner hyphens; not workspaces, api, ajax-api,"
        " static-files)",
    ),
    "pg_identifier": (pg_identifier, "a lower-case identifier (letters, digits, _; at most 63)"),
    "mlflow_alias": (
        mlflow_alias,
        "a model alias (letters, digits, _ -; not v<number>, which MLflow keeps for versions)",
    ),
    "release": (release, "a release like 3.17.2 (quoted)"),
    "http_url": (http_url, "an http(s):// URL of a host and port"),
    "https_url": (https_url, "an https:// URL"),
    "web_url": (web_url, "an http(s):// URL"),
    "apt_proxy": (apt_proxy, "an http:// URL such as http://10.0.0.5:3142 (apt checks signatures itself)"),
    "s3_url": (s3_url, "s3://BUCKET/PREFIX with a valid bucket name"),
    "email": (email, "an e-mail address"),
    "fingerprint": (fingerprint, "the 40 hex digits of an OpenPGP fingerprint"),
    "secret": (secret, "{0} or more letters, digits, . _ ~ - (leave it unset to generate one)"),
    "password": (
        password,
        "{0} or more printable ASCII characters without a space at either end (% ' \" \\ $ # ; are fine)",
    ),
    "origin": (origin, "an origin like https://vm.example.org:5000 (no path, no wildcard)"),
    "byte_size": (lambda v: size_bytes(v, "kmgt") is not None, "a size like 4G or 512M (K, M, G, T)"),
    "absolute_path": (absolute_path, "an absolute path without a colon"),
    "requirement": (requirement, "a requirement like name==1.2 (no installer option, no URL)"),
    "apt_package": (apt_package, "a Debian/Ubuntu package name (optionally =version)"),
    "image": (image, "an image reference like registry/name:tag or name@sha256:digest"),
    "docker_size": (docker_size, "a size like 10m (digits and k, m or g)"),
    "docker_memory": (docker_memory, "a memory size like 512m or 2g, at least 6m (Docker's minimum)"),
    "systemd_memory": (systemd_memory, "a memory size like 1536M, at least 1G (MLflow holds about 700 MB idle)"),
    "systemd_size": (systemd_size, "a size like 500M or 1G (digits and K, M, G or T, upper-case)"),
    "mlflow_duration": (mlflow_duration, "an age like 30d, 12h, 1d12h or 90m (as mlflow gc reads it)"),
    "x509_name": (x509_name, "1-64 printable characters (a certificate's common name)"),
    "safe_path": (safe_path, "an absolute path of the lab's own, not a system directory or inside one"),
    "volume": (volume, "a volume name, or an absolute path of the lab's own (no system directory, no ..)"),
    "pem_certificate": (pem_certificate, "a file on the controller with a PEM certificate"),
    "pem_private_key": (pem_private_key, "a file on the controller with an unencrypted PEM private key"),
    "file": (lambda v: _text(v) and os.path.isfile(v), "a file on the controller"),
    "directory": (lambda v: _text(v) and os.path.isdir(v), "a directory on the controller"),
}
# Kinds whose values are never shown in a message.
SECRET_KINDS = frozenset({"secret", "password"})


def check(value, kind: str, *args) -> bool:
    """Whether VALUE is of KIND; 'KIND or empty' also takes ''; 'each KIND' every item of a list."""
    if kind.endswith(" or empty") and value == "":
        return True
    kind = kind.removesuffix(" or empty")
    if kind.startswith("each "):
        return isinstance(value, list) and all(check(item, kind[5:], *args) for item in value)
    return bool(KINDS[kind][0](value, *args))


def describe(kind: str, *args) -> str:
    base = kind.removesuffix(" or empty").removeprefix("each ")
    text = KINDS[base][1].format(*args)
    if kind.startswith("each "):
        text = "a list, each item " + text
    return text + (", or empty" if kind.endswith(" or empty") else "")


def problems(table: dict) -> list[str]:
    """A message per wrong variable of TABLE {name: [value, kind, *args]}: its name, its value, what is allowed."""
    messages = []
    for name, (value, kind, *args) in table.items():
        if check(value, kind, *args):
            continue
        base = kind.removesuffix(" or empty").removeprefix("each ")
        if base in SECRET_KINDS:
            shown = "(a secret: not shown)"
        elif kind.startswith("each ") and isinstance(value, list):
            shown = repr([item for item in value if not check(item, base, *args)])
        else:
            shown = repr(value)
        messages.append(f"{name} must be {describe(kind, *args)}; got {shown}")
    return messages
