"""The nginx log_format of docs/privacy.md, run by a real nginx: no address, query or seconds."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from .conftest import require_tool

DOCS = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"


def _snippet() -> str:
    return re.search(r"```nginx\n(.*?)```", DOCS.read_text(), re.S).group(1)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_documented_log_format_keeps_no_address_no_query_and_minutes(tmp_path):
    nginx = require_tool("nginx", "nginx-light")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("ok")
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    snippet = _snippet().replace("/var/log/nginx/samizdat.log", str(access))
    snippet = snippet.replace("/var/log/nginx/samizdat-error.log", str(errors))
    port = _port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"daemon off; pid {tmp_path}/nginx.pid; error_log {errors} crit;\n"
        + ("user root;\n" if os.geteuid() == 0 else "")  # workers must read the temp dir
        + "events {}\n"
        f"http {{\n client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};\n"
        f" fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};\n"
        f"{snippet}\n server {{ listen 127.0.0.1:{port}; root {tmp_path}/site; }}\n}}\n"
    )
    server = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                url = f"http://127.0.0.1:{port}/index.html?q=secret-meeting"
                request = urllib.request.Request(
                    url, headers={"Referer": "https://search.example/?q=x"}
                )
                urllib.request.urlopen(request, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(
                        server.stderr.read().decode() if server.poll() else "timeout"
                    ) from None
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
    line = access.read_text().strip().splitlines()[-1]
    assert "127.0.0.1" not in line and "secret-meeting" not in line and "search.example" not in line
    assert re.fullmatch(
        r'\d{4}-\d\d-\d\dT\d\d:\d\d "GET /index.html HTTP/1.1" 200 2 \d+\.\d+', line
    )
