"""The production stack of docs/deploy.md, set up for real on loopback ports.

Root builds the wheel from a clean copy of the checkout, installs it into a fresh venv
(root-owned, so read-only for the app), creates the system user and the data directory, and
runs deploy/'s systemd units' ExecStart as that user (no systemd in CI: the unit's User,
EnvironmentFile, WorkingDirectory and UMask are applied by hand) behind a real nginx using
deploy/nginx/samizdat.conf with only its ports and paths changed.
"""

from __future__ import annotations

import configparser
import http.client
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
USER = "samizdat-test"  # stands for the docs' "samizdat"
PG_ROLE = "samizdat_test"
HOST = "example.org"
SHIPPED_PORT = "8000"
# systemd starts a unit with an empty environment plus its EnvironmentFile; so does this test
# (runuser alone would pass on pytest's own variables, DJANGO_SETTINGS_MODULE among them).
CLEAN_ENV = ("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8")


def say(message: str) -> None:
    print(f"[deploy] {message}", flush=True)


def sh(*args: str, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 300)
    return subprocess.run(list(args), **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


@dataclass
class Install:
    """The wheel, installed into a fresh venv, and the system user."""

    base: Path
    venv: Path
    wheel: Path
    uid: int = 0

    @property
    def samizdat(self) -> str:
        return str(self.venv / "bin" / "samizdat")


def install(base: Path) -> Install:
    base.chmod(0o755)
    src = base / "src"
    files = sh("git", "ls-files", "-co", "--exclude-standard", "-z", cwd=REPO).stdout
    for name in filter(None, files.split("\0")):
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    started = time.monotonic()
    venv = base / "venv"
    sh("/usr/bin/python3", "-m", "venv", str(venv))  # Debian's python3, as in the docs
    dist = base / "dist"
    sh(str(venv / "bin" / "pip"), "wheel", "--no-deps", "-q", "-w", str(dist), str(src))
    wheel = next(dist.glob("samizdat-*.whl"))
    sh(str(venv / "bin" / "pip"), "install", "-q", str(wheel), timeout=600)
    took = time.monotonic() - started
    say(f"built {wheel.name} and installed it into a fresh venv in {took:.0f} s")
    try:
        pwd.getpwnam(USER)
    except KeyError:
        sh("adduser", "--system", "--group", "--no-create-home", "--home", "/nonexistent", USER)
        say(f"created system user {USER}")
    return Install(base, venv, wheel, pwd.getpwnam(USER).pw_uid)


def unit(name: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return dict(parser["Service"])


@dataclass
class Site:
    """One configuration of the stack: its data dir, env file, app, worker and nginx."""

    name: str
    install: Install
    root: Path
    env_extra: dict[str, str]
    app_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def env_file(self) -> Path:
        return self.root / "samizdat.env"

    @property
    def app_log(self) -> Path:
        return self.root / "app.log"

    @property
    def access_log(self) -> Path:
        return self.root / "nginx-access.log"

    # -- set-up, in the order of docs/deploy.md --------------------------------------------

    def write_env(self) -> None:
        lines = []
        for line in (DEPLOY / "samizdat.env").read_text().splitlines():
            key = line.partition("=")[0]
            if key in self.env_extra or key in {"DATABASE_URL", "SAMIZDAT_CACHE_URL"}:
                continue
            line = line.replace("/srv/samizdat/data", str(self.data))
            line = line.replace(f"SAMIZDAT_PORT={SHIPPED_PORT}", f"SAMIZDAT_PORT={self.app_port}")
            lines.append(line)
        lines += [f"{key}={value}" for key, value in self.env_extra.items() if value]
        self.env_file.write_text("\n".join(lines) + "\n")
        shutil.chown(self.env_file, "root", USER)
        self.env_file.chmod(0o640)

    def make_data_dir(self) -> None:
        sh("install", "-d", "-o", USER, "-g", "www-data", "-m", "0710", str(self.data))
        for sub in ("static", "media", "mirror"):
            sh("install", "-d", "-o", USER, "-g", "www-data", "-m", "2750", str(self.data / sub))

    def site(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """``samizdat-site ARGS``: deploy/'s wrapper that docs/deploy.md uses for commands."""
        paths = {
            "SAMIZDAT_SITE_USER": USER,
            "SAMIZDAT_ENV_FILE": str(self.env_file),
            "SAMIZDAT_VENV": str(self.install.venv),
        }
        return sh(str(DEPLOY / "samizdat-site"), *args, env={**os.environ, **paths}, check=check)

    def as_app(self, command: str, **kwargs) -> subprocess.CompletedProcess:
        """A shell command as the app user with the env file loaded (checks, not docs)."""
        script = f"cd {self.data}; set -a; . {self.env_file}; set +a; {command}"
        return sh("runuser", "-u", USER, "--", *CLEAN_ENV, "sh", "-c", script, **kwargs)

    def spawn_unit(self, name: str) -> subprocess.Popen:
        service = unit(name)
        assert service["User"] == "samizdat" and service["EnvironmentFile"].endswith(".env")
        command = service["ExecStart"].replace("/srv/samizdat/venv", str(self.install.venv))
        script = (
            f"umask {service['UMask']}; cd {self.data}; set -a; . {self.env_file}; "
            f"{service.get('Environment', '')}; set +a; exec {command}"
        )
        log = self.app_log.open("ab")
        proc = subprocess.Popen(
            ["runuser", "-u", USER, "--", *CLEAN_ENV, "sh", "-c", script],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def make_cert(self) -> Path:
        certs = self.root / "ssl"
        certs.mkdir()
        sh(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem"),
        )  # fmt: skip
        return certs

    def nginx_site_conf(self, certs: Path) -> str:
        """deploy/nginx/samizdat.conf with only its ports and paths changed (asserted)."""
        shipped = (DEPLOY / "nginx" / "samizdat.conf").read_text()
        changes = [
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            (f"server 127.0.0.1:{SHIPPED_PORT};", f"server 127.0.0.1:{self.app_port};"),
            ("/srv/samizdat/data", str(self.data)),
            ("/etc/ssl/samizdat/", f"{certs}/"),
            ("/var/log/nginx/samizdat.access.log", str(self.access_log)),
        ]
        conf = "\n".join(line for line in shipped.splitlines() if "listen [::]" not in line)
        for old, new in changes:
            assert old in conf, f"deploy/nginx/samizdat.conf no longer has {old!r}"
            conf = conf.replace(old, new)
        return conf

    def start_nginx(self) -> None:
        certs = self.make_cert()
        (self.root / "nginx-site.conf").write_text(self.nginx_site_conf(certs))
        temp = self.root / "nginx-temp"
        temp.mkdir()
        main = self.root / "nginx.conf"
        main.write_text(
            f"user www-data;\nworker_processes 1;\npid {self.root}/nginx.pid;\n"
            f"error_log {self.root}/nginx-error.log warn;\nevents {{ worker_connections 256; }}\n"
            f"http {{\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n"
            f" sendfile on;\n client_body_temp_path {temp}/body;\n proxy_temp_path {temp}/proxy;\n"
            f" fastcgi_temp_path {temp}/fcgi;\n uwsgi_temp_path {temp}/uwsgi;\n"
            f" scgi_temp_path {temp}/scgi;\n include {self.root}/nginx-site.conf;\n}}\n"
        )
        tested = sh("nginx", "-t", "-c", str(main), check=False)
        assert tested.returncode == 0, tested.stderr
        sh("nginx", "-c", str(main))
        wait_for_port(self.https_port)
        say(f"{self.name}: nginx -t ok; nginx on 127.0.0.1:{self.http_port} (http) and "
            f":{self.https_port} (https) → app on :{self.app_port}")  # fmt: skip

    def stop(self) -> None:
        pid_file = self.root / "nginx.pid"
        if pid_file.exists():
            subprocess.run(["nginx", "-s", "quit", "-c", str(self.root / "nginx.conf")])
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    # -- HTTP through nginx ----------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        source: str = "127.0.0.1",
        https: bool = True,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        if https:
            context = ssl.create_default_context(cafile=str(self.root / "ssl" / "fullchain.pem"))
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1",
                self.https_port,
                context=context,
                source_address=(source, 0),
                timeout=30,
            )
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.http_port, source_address=(source, 0), timeout=30
            )
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()
