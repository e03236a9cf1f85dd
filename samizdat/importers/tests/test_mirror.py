"""The static mirror writes old WordPress addresses as small redirect pages."""

from __future__ import annotations

import pytest

from samizdat.importers.models import ImportedItem, Redirect
from samizdat.mirror.export import export_mirror

pytestmark = pytest.mark.django_db


def test_mirror_writes_redirect_pages_for_old_directories(run_import, uploads, tmp_path):
    run_import("classic.xml", "--media-dir", str(uploads))
    post = ImportedItem.objects.get(kind="post", wp_id=101).target
    real = post.get_absolute_url()
    Redirect.objects.create(old_path=real, new_url="/elsewhere/")  # must not replace the page
    target = tmp_path / "mirror"
    export_mirror(target)
    page = (target / "2024/05/zayavlenie-o-cenah/index.html").read_text()
    link = "../../../ru/analiz/zayavlenie-o-cenah/index.html"
    assert f'content="0; url={link}"' in page and f'href="{link}"' in page
    assert (target / "2024/05/zayavlenie-o-cenah" / link).resolve().is_file()
    assert "<script" not in page and "style=" not in page
    section = (target / "category/analiz/index.html").read_text()
    assert "../../ru/analiz/index.html" in section
    assert "elsewhere" not in (target / real.strip("/") / "index.html").read_text()
    assert not (target / "wp-content").exists()  # file paths and ?p= links: live site only
