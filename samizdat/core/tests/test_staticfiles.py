"""Collected static files get hashed names; before collectstatic pages still render."""

from django.core.management import call_command
from django.templatetags.static import static


def use_hashed(settings, root):
    settings.STATIC_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "samizdat.core.staticfiles.HashedStaticFiles"},
    }


def test_collected_names_carry_a_content_hash(settings, tmp_path):
    use_hashed(settings, tmp_path)
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("samizdat/site.css")
    assert url.startswith("/static/samizdat/site.") and url != "/static/samizdat/site.css"
    assert (tmp_path / url.removeprefix("/static/")).exists()
    assert (tmp_path / (url.removeprefix("/static/") + ".gz")).exists()


def test_before_collectstatic_the_plain_name_is_used(settings, tmp_path):
    use_hashed(settings, tmp_path)
    assert static("samizdat/site.css") == "/static/samizdat/site.css"
