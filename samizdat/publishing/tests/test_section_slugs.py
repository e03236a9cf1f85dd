"""Section slugs that collide with routes are refused in the admin form (list from the URLconf)."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth.models import User
from django.urls import include, path
from django.utils.text import slugify

from samizdat.accounts.testing import verified_login
from samizdat.publishing.models import Section, reserved_slugs
from samizdat.publishing.tests.factories import make_statement

pytestmark = pytest.mark.django_db
ADD = "/admin/publishing/section/add/"
# Every first path segment of today's URLconf that a slug field would accept.
ROUTE_SLUGS = sorted(s for s in reserved_slugs() if slugify(s) == s)


@pytest.fixture
def admin(client):
    return verified_login(client, User.objects.create_superuser("root", password="pw-12345-xx"))


def add_section(client, slug):
    data = {"slug": slug, "name_ru": "а", "name_kk": "ә", "name_en": "a", "order": 0}
    return client.post(ADD, data)


@pytest.mark.parametrize("slug", ["comments", "Comments", *ROUTE_SLUGS])
def test_route_slugs_are_refused_with_a_form_error(admin, slug):
    response = add_section(admin, slug)
    html = response.content.decode()
    assert response.status_code == 200 and "зарезервировано" in html
    assert 'class="errorlist' in html and not Section.objects.filter(slug=slug).exists()


def test_the_list_covers_every_route_under_the_language_prefix():
    assert {"comments", "feeds", "search", "pages", "tags", "admin", "static", "media"} <= set(
        ROUTE_SLUGS
    )


def test_a_new_route_is_reserved_without_editing_a_list(settings):
    settings.ROOT_URLCONF = __name__
    assert "events" in reserved_slugs() and "comments" in reserved_slugs()


def test_an_ordinary_slug_is_accepted_and_its_statements_work(admin, client):
    response = add_section(admin, "communique")
    assert response.status_code == 302
    statement = make_statement(section=Section.objects.get(slug="communique"))
    assert client.get(statement.get_absolute_url()).status_code == 200


urlpatterns = i18n_patterns(
    path("events/", include("samizdat.search.urls")),
    path("comments/", include("samizdat.discussion.urls")),
    path("", include("samizdat.publishing.urls")),
    prefix_default_language=True,
)
