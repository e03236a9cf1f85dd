"""Apps plug into the statement page: the site runs with one of them left out.

Each case runs in a subprocess with a settings module that removes the app from
INSTALLED_APPS, builds a small site and renders its pages.
"""

from __future__ import annotations

import os

import pytest

from .subprocess_site import probe

SETTINGS = """from samizdat.test_settings import *  # noqa: F403
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != {app!r}]
"""


def _db_name(tmp_path, name: str) -> str:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return f"test_probe_{name}_{os.getpid()}"
    return str(tmp_path / f"{name}.sqlite3")


def _site(tmp_path, app: str) -> dict:
    name = app.rsplit(".", 1)[-1]
    return probe(tmp_path, SETTINGS.format(app=app), ["ru", "kk"], _db_name(tmp_path, name))


def _pages_work(site: dict) -> None:
    for name in ("home", "section", "statement", "default_statement", "search", "atom", "sitemap"):
        assert site[name]["status"] == 200, name
    assert "Заява про заборону партії kk" in site["statement"]["body"]


@pytest.mark.parametrize("app", ["samizdat.discussion", "samizdat.authenticity"])
def test_the_site_runs_without(tmp_path, app):
    site = _site(tmp_path, app)
    assert app not in site["installed"]
    _pages_work(site)
    page = site["statement"]["body"]
    if app == "samizdat.discussion":
        assert 'id="comment-form"' not in page and 'class="comments' not in page
        assert site["comments_post"]["status"] == 404
        assert site["statement_txt"]["status"] == 200  # authenticity still there
        assert 'class="signature"' in page and 'class="signing-key"' in page
    else:
        assert 'id="comment-form"' in page  # discussion still there
        assert site["statement_txt"]["status"] == 404
        assert 'class="signature"' not in page and 'class="signing-key"' not in page


def test_with_every_app_the_panels_are_there(tmp_path):
    site = probe(
        tmp_path,
        "from samizdat.test_settings import *  # noqa: F403\n",
        ["ru", "kk"],
        _db_name(tmp_path, "full"),
    )
    _pages_work(site)
    page = site["statement"]["body"]
    assert 'id="comment-form"' in page
    assert site["statement_txt"]["status"] == 200
    # Panels in their order: the signature inside the article, the comments after it.
    assert page.index('class="signature"') < page.index("</article>") < page.index("comment-form")
    assert 'class="search' in site["home"]["body"] or 'role="search"' in site["home"]["body"]
