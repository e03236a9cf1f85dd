"""`samizdat mirror export|check`: output, exit status, and what the checker catches."""

import io

import pytest
from django.core.management import CommandError, call_command

from .conftest import read


def run(*args):
    out = io.StringIO()
    call_command("mirror", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_with_check_reports_success(site, tmp_path):
    target = tmp_path / "site-copy"
    output = run("export", str(target), "--check", "--no-progress")
    assert f"Mirror written to {target} (full" in output
    assert "no problems" in output
    output = run("export", str(target), "--no-progress")
    assert "(incremental" in output


def test_check_reports_broken_links_and_third_party_hosts(site, tmp_path):
    target = tmp_path / "m"
    run("export", str(target), "--no-progress")
    page = target / "ru/analysis/voda/index.html"
    html = read(page).replace(
        "</main>",
        '<img src="https://tracker.example/pixel.gif" alt="">'
        '<a href="../gone/index.html">gone</a><a href="../../news/">dir</a>'
        '<a href="/ru/">rooted</a><a href="https://example.org/report">source</a></main>',
    )
    page.write_text(html, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="5 problems"):
        call_command("mirror", "check", str(target), "--no-progress", stdout=out)
    report = out.getvalue()
    assert "resource on a third-party host (tracker.example)" in report
    assert "broken link: no such file in the mirror" in report
    assert "needs an explicit …/index.html" in report
    assert "root-relative link" in report
    assert "link on a third-party host (example.org)" in report
    # Hyperlinks to other sites may be allowed; a tracking pixel never is.
    with pytest.raises(CommandError, match="4 problems"):
        call_command(
            "mirror", "check", str(target), "--allow-external-links", "--no-progress", stdout=out
        )


def test_bad_arguments_are_clear_errors(site, tmp_path):
    with pytest.raises(CommandError, match="--base-url must be an http"):
        run("export", str(tmp_path / "m"), "--base-url", "mirror.example")
    with pytest.raises(CommandError, match="is not a samizdat mirror"):
        run("check", str(tmp_path))
