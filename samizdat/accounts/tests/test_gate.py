"""No admin URL opens before the second factor; the password step leads to verify or enrol."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, reverse

from samizdat.accounts.testing import verified_login

from .conftest import sign_in_password

pytestmark = pytest.mark.django_db


def _converters(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def _fill(name: str, model, user) -> str:
    obj = model._default_manager.first() if model is not None else None
    if name == "app_label":
        return model._meta.app_label if model is not None else "auth"
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(type(user)).pk)
    return str(obj.pk if obj is not None else user.pk)  # object_id, pk, id


def admin_urls(user) -> list[str]:
    """Every named admin URL, arguments filled with a real object's pk."""
    urls = []
    for entry in admin.site.get_urls():
        if isinstance(entry, URLResolver):  # one model admin's patterns
            model = next(
                (
                    m
                    for m in admin.site._registry
                    if entry.pattern.describe().startswith(
                        f"'{m._meta.app_label}/{m._meta.model_name}/"
                    )
                ),
                None,
            )
            for sub in entry.url_patterns:
                if isinstance(sub, URLPattern) and sub.name:
                    kwargs = {k: _fill(k, model, user) for k in _converters(sub)}
                    urls.append(reverse(f"admin:{sub.name}", kwargs=kwargs))
        elif isinstance(entry, URLPattern) and entry.name:
            kwargs = {k: _fill(k, None, user) for k in _converters(entry)}
            urls.append(reverse(f"admin:{entry.name}", kwargs=kwargs))
    return sorted(set(urls))


@pytest.fixture
def content(make_statement, superuser):
    from samizdat.discussion.models import Comment

    statement = make_statement()
    Comment.objects.create(statement=statement, language="ru", name="n", text="t")


@pytest.mark.parametrize("enrolled", [False, True])
def test_every_admin_url_is_closed_before_the_second_factor(
    client, superuser, content, enrolled, capsys
):
    if enrolled:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    client.force_login(superuser)
    urls = admin_urls(superuser)
    assert len(urls) > 60  # every model admin's pages, not a sample
    assert "/admin/publishing/statement/" in urls and "/admin/auth/user/" in urls
    target = "/admin/2fa/verify/" if enrolled else "/admin/2fa/enrol/"
    for url in [*urls, "/admin/no-such-app/", "/admin/auth/user/add/"]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith(target), (url, response["Location"])
    with capsys.disabled():
        print(f"\n[2fa gate] {len(urls) + 2} admin URLs × GET/POST, all sent to {target}")


def test_the_same_urls_open_after_the_second_factor(client, superuser, content):
    verified_login(client, superuser)
    opened = 0
    for url in admin_urls(superuser):
        if url.endswith(("/logout/", "/delete/")) or "/r/" in url:
            continue
        response = client.get(url)
        assert not response.get("Location", "").startswith("/admin/2fa/"), url
        opened += response.status_code == 200
    assert opened > 30


def test_password_step_without_a_device_leads_to_enrolment(client, staff):
    response = sign_in_password(client, "editor")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"].startswith("/admin/2fa/enrol/")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "otpauth://totp/" in page
    assert re.search(r'<code id="totp-secret">[A-Z2-7]{32}</code>', page)
    # nothing inline a strict CSP would refuse
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page)
    assert "style=" not in page.split('id="content-main"')[1]


def test_password_step_with_a_device_leads_to_verification(client, staff, totp):
    response = sign_in_password(client, "editor")
    response = client.get(response["Location"])
    assert response["Location"].startswith("/admin/2fa/verify/")
    # an unverified session cannot enrol another device to get around the code
    assert client.get("/admin/2fa/enrol/")["Location"].startswith("/admin/2fa/verify/")
    response = client.post(
        "/admin/2fa/webauthn/registration/begin/", content_type="application/json"
    )
    assert response.status_code == 403


def test_a_public_page_stays_open_between_the_steps(client, staff, totp, make_statement):
    statement = make_statement()
    sign_in_password(client, "editor")
    assert client.get(statement.get_absolute_url()).status_code == 200
