from io import StringIO

import pytest
from django.apps import apps

from samizdat.discussion.models import Comment

pytestmark = pytest.mark.django_db


def test_demo_comments_are_added_once_per_language(client, make_statement):
    statements = [make_statement(language=lang) for lang in ("ru", "kk", "en")]
    out = StringIO()
    apps.get_app_config("discussion").demo_setup(out)
    apps.get_app_config("discussion").demo_setup(out)
    assert Comment.objects.count() == 7 and "7 added" in out.getvalue()
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    html = client.get(statements[1].get_absolute_url()).content.decode()
    assert "2 пікір" in html and "Сәуле" in html
