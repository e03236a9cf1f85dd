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
    with pytest.raises(CommandError, match="4 problems") as failure:
        call_command("mirror", "check", str(target), "--no-progress", stdout=out)
    report = out.getvalue() + str(failure.value)
    assert "resource on a third-party host (tracker.example)" in report
    assert "broken link: no such file in the mirror" in report
    assert "needs an explicit …/index.html" in report
    assert "root-relative link" in report
    # A hyperlink to another site is content (counted); --strict-links fails on it too.
    assert "link on a third-party host" not in report and "1 links to other sites" in report
    out = io.StringIO()
    with pytest.raises(CommandError, match="5 problems"):
        call_command("mirror", "check", str(target), "--strict-links", "--no-progress", stdout=out)
    assert "link on a third-party host (example.org)" in out.getvalue()


def test_links_in_readers_comments_are_content_not_third_party_loads(site, tmp_path):
    from samizdat.discussion.models import Comment

    Comment.objects.create(
        statement=site.ru,
        language="ru",
        name="Читатель",
        text="Источник: https://news.example/report и https://archive.example/x",
        status=Comment.Status.APPROVED,
    )
    target = tmp_path / "m"
    output = run("export", str(target), "--check", "--no-progress")
    assert 'href="https://news.example/report"' in read(target / "ru/analysis/voda/index.html")
    assert "no problems" in output and "2 links to other sites" in output


@pytest.mark.parametrize(
    "markup",
    [
        '<link rel="stylesheet" href="https://cdn.example/site.css">',
        '<link rel="icon" href="https://cdn.example/favicon.ico">',
        '<link rel="preload" href="https://fonts.example/f.woff2" as="font">',
        '<script src="https://cdn.example/app.js"></script>',
        '<iframe src="https://video.example/embed/1"></iframe>',
        '<video poster="https://cdn.example/p.jpg"><source src="https://cdn.example/v.mp4"></video>',
        '<audio src="https://cdn.example/a.ogg"></audio>',
        '<img srcset="https://cdn.example/a.jpg 2x" alt="">',
        "@font-face{src:url(https://fonts.example/f.woff2)}",
    ],
)
def test_resources_on_other_hosts_fail(site, tmp_path, markup):
    target = tmp_path / "m"
    run("export", str(target), "--no-progress")
    if markup.startswith("@"):  # a font in a stylesheet
        css = next(target.rglob("*.css"))
        css.write_text(read(css) + markup, encoding="utf-8")
    else:
        page = target / "ru/analysis/voda/index.html"
        page.write_text(read(page).replace("</main>", markup + "</main>"), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("mirror", "check", str(target), "--no-progress", stdout=out)
    assert "resource on a third-party host" in out.getvalue()


def test_bad_arguments_are_clear_errors(site, tmp_path):
    with pytest.raises(CommandError, match="--base-url must be an http"):
        run("export", str(tmp_path / "m"), "--base-url", "mirror.example")
    with pytest.raises(CommandError, match="is not a samizdat mirror"):
        run("check", str(tmp_path))
