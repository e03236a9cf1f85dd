"""Signing through the admin: only with a second factor, online and offline (stock minisign)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samizdat.accounts.models import AuditEntry
from samizdat.authenticity import keys
from samizdat.authenticity.canonical import canonical_bytes
from samizdat.authenticity.minisign import SecretKey, Signature
from samizdat.authenticity.models import StatementSignature
from samizdat.publishing.models import Statement

SIGN = "/admin/publishing/statement/sign/"


def _offline(statement, mode="publish") -> str:
    return reverse("admin:authenticity_sign_offline", args=[statement.pk]) + f"?mode={mode}"


def _draft(make_statement, **kwargs):
    return make_statement(status=Statement.Status.DRAFT, published_at=None, **kwargs)


def _status(statement) -> str:
    return Statement.objects.get(pk=statement.pk).status


# -- fail closed without a second factor -------------------------------------------------------


def test_a_password_alone_cannot_sign_anything(password_only, site_key, make_statement):
    draft = _draft(make_statement)

    # the accounts app sends such a session to its 2FA pages; the signing views refuse anyway
    def refused(response) -> bool:
        if response.status_code == 302:
            return "/2fa/" in response["Location"]
        return response.status_code == 403 and "two-factor" in response.content.decode()

    for url in (f"{SIGN}?mode=publish&ids={draft.pk}", _offline(draft)):
        assert refused(password_only.get(url))
    assert refused(password_only.post(SIGN, {"ids": draft.pk, "mode": "publish"}))
    upload = SimpleUploadedFile("statement.txt.minisig", b"x")
    assert refused(password_only.post(_offline(draft), {"signature": upload, "date": "x"}))
    action = password_only.post(
        "/admin/publishing/statement/",
        {"action": "publish_and_sign", "_selected_action": [draft.pk]},
    )
    assert refused(action)
    assert _status(draft) == Statement.Status.DRAFT and not StatementSignature.objects.exists()


@pytest.mark.parametrize("verified", [None, False, "yes"])
def test_the_signing_views_refuse_by_themselves(
    site_key, make_statement, django_user_model, verified
):
    """Their own check, without the admin site's or the middleware's: fail closed."""
    from django.contrib import admin
    from django.test import RequestFactory

    user = django_user_model.objects.create_superuser("alone", password="long-enough-pass-12")
    if verified is not None:  # None: no django-otp at all; "yes": not literally True
        user.is_verified = lambda: verified
    draft = _draft(make_statement)
    model_admin = admin.site._registry[Statement]
    for view, request in (
        (model_admin.sign_view, RequestFactory().post(SIGN, {"ids": draft.pk, "mode": "publish"})),
        (model_admin.offline_view, RequestFactory().get(_offline(draft))),
    ):
        request.user = user
        args = () if view == model_admin.sign_view else (draft.pk,)
        assert view(request, *args).status_code == 403
    assert _status(draft) == Statement.Status.DRAFT


# -- online: publish and sign, re-sign --------------------------------------------------------


def test_action_leads_to_the_sign_page_which_publishes_and_signs(editor, site_key, make_statement):
    drafts = [_draft(make_statement) for _ in range(2)]
    response = editor.post(
        "/admin/publishing/statement/",
        {"action": "publish_and_sign", "_selected_action": [d.pk for d in drafts]},
    )
    assert response.status_code == 302 and response["Location"].startswith(SIGN)
    page = editor.get(response["Location"])
    assert page.status_code == 200 and drafts[0].title in page.content.decode()
    assert 'name="passphrase"' not in page.content.decode()  # unencrypted key: none asked
    done = editor.post(SIGN, {"ids": ",".join(str(d.pk) for d in drafts), "mode": "publish"})
    assert done.status_code == 302
    for draft in drafts:
        statement = Statement.objects.select_related("section").get(pk=draft.pk)
        assert statement.status == Statement.Status.PUBLISHED
        stored = StatementSignature.objects.get(statement=statement)
        site_key.key.verify(canonical_bytes(statement), Signature.from_file(stored.minisig))
    # Each signature is in the audit trail, with who signed and with which key.
    signed = AuditEntry.objects.filter(action="statement.signed").order_by("id")
    assert [e.object_id for e in signed] == [str(d.pk) for d in drafts]
    assert {e.details["key_id"] for e in signed} == {site_key.key.id}
    assert {str(e.actor_id) for e in signed} == {editor.session["_auth_user_id"]}


def test_encrypted_key_asks_for_the_passphrase_and_never_publishes_unsigned(
    editor, key_dir, fast_kdf, make_statement
):
    keys.generate_site_key("the editor knows it")
    draft = _draft(make_statement)
    assert 'name="passphrase"' in editor.get(f"{SIGN}?mode=publish&ids={draft.pk}").content.decode()
    for wrong in ("", "not it"):
        page = editor.post(SIGN, {"ids": draft.pk, "mode": "publish", "passphrase": wrong})
        assert page.status_code == 400 and "passphrase" in page.content.decode()
        assert _status(draft) == Statement.Status.DRAFT
    editor.post(SIGN, {"ids": draft.pk, "mode": "publish", "passphrase": "the editor knows it"})
    assert _status(draft) == Statement.Status.PUBLISHED
    assert StatementSignature.objects.filter(statement=draft).exists()


def test_change_form_shows_the_state_and_resign_makes_it_current(
    editor, site_key, make_statement, sign
):
    statement = sign(make_statement())
    change = reverse("admin:publishing_statement_change", args=[statement.pk])
    assert "the signature fits the text" in editor.get(change).content.decode()
    Statement.objects.filter(pk=statement.pk).update(body="Edited in the admin.")
    page = editor.get(change).content.decode()
    assert "Stale" in page and f"mode=resign&amp;ids={statement.pk}" in page
    editor.post(SIGN, {"ids": statement.pk, "mode": "resign"})
    assert "the signature fits the text" in editor.get(change).content.decode()
    fresh = Statement.objects.select_related("section").get(pk=statement.pk)
    assert "Edited in the admin." in StatementSignature.objects.get(statement=fresh).text


# -- offline: the secret key stays with the editor --------------------------------------------


@pytest.fixture
def editor_key(key_dir, run_minisign, tmp_path):
    """A key made with stock `minisign -G -W`; only its public half is on the server."""
    home = tmp_path / "editor"
    home.mkdir()
    made = run_minisign(
        "-G", "-W", "-p", str(home / "samizdat.pub"), "-s", str(home / "samizdat.key")
    )
    assert made.returncode == 0, made.stderr
    keys.ensure_key_dir()
    shutil.copy(home / "samizdat.pub", keys.public_key_path())
    assert not keys.secret_key_path().exists()
    return home


def _download(editor, statement, home, mode="publish") -> tuple[str, str]:
    """Open the offline page, save the text it offers; return (command shown, date)."""
    page = editor.get(_offline(statement, mode))
    assert page.status_code == 200
    body = page.content.decode()
    command = html.unescape(re.search(r"<pre>(.*?)</pre>", body, re.S).group(1))
    date = re.search(r'name="date" value="([^"]+)"', body).group(1)
    link = html.unescape(re.search(r'<a href="([^"]+)" download=', body).group(1))
    text = editor.get(link)
    assert text["Content-Disposition"] == 'attachment; filename="statement.txt"'
    (home / "statement.txt").write_bytes(text.content)
    return command, date


def _upload(editor, statement, data: bytes, date: str, mode="publish"):
    upload = SimpleUploadedFile("statement.txt.minisig", data)
    return editor.post(_offline(statement, mode), {"signature": upload, "date": date})


@pytest.mark.parametrize("legacy", [False, True], ids=["prehashed", "legacy"])
def test_offline_signature_from_stock_minisign_publishes_and_verifies(
    editor, editor_key, make_statement, stock_minisign, legacy, client
):
    draft = _draft(make_statement, title="Подписано офлайн")
    command, date = _download(editor, draft, editor_key)
    assert command.startswith("minisign -S -s samizdat.key -m statement.txt -t ")
    if legacy:
        command = command.replace("minisign -S", "minisign -S -l", 1)
    done = subprocess.run(
        command.replace("minisign", stock_minisign, 1),
        shell=True,  # exactly the line the page shows, as an editor would paste it
        cwd=editor_key,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    sig = (editor_key / "statement.txt.minisig").read_bytes()
    assert (b"ED" if not legacy else b"Ed") == __import__("base64").b64decode(sig.splitlines()[1])[
        :2
    ]
    assert _status(draft) == Statement.Status.DRAFT
    response = _upload(editor, draft, sig, date)
    assert response.status_code == 302, response.content.decode()[:2000]
    statement = Statement.objects.select_related("section").get(pk=draft.pk)
    assert statement.status == Statement.Status.PUBLISHED
    # the published files, fetched from the site, verify with the stock tool
    url = statement.get_absolute_url()
    site = editor_key / "site"
    site.mkdir()
    (site / "statement.txt").write_bytes(client.get(url + "statement.txt").content)
    (site / "statement.minisig").write_bytes(client.get(url + "statement.txt.minisig").content)
    verified = subprocess.run(
        [stock_minisign, "-V", "-p", str(editor_key / "samizdat.pub"), "-m", "statement.txt"]
        + ["-x", "statement.minisig"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verified.returncode == 0, verified.stderr
    assert f"url:http://testserver{url}" in verified.stdout


def _other_text_signature(run_minisign, home, comment: str) -> bytes:
    (home / "other.txt").write_bytes((home / "statement.txt").read_bytes() + b"forged line\n")
    done = run_minisign(
        "-S", "-s", str(home / "samizdat.key"), "-m", str(home / "other.txt"), "-t", comment
    )
    assert done.returncode == 0, done.stderr
    return (home / "other.txt.minisig").read_bytes()


def _bad_uploads(run_minisign, home, command: str) -> dict[str, tuple[bytes, str]]:
    comment = command.split(" -t ", 1)[1].strip("'")
    good = run_minisign(
        "-S", "-s", str(home / "samizdat.key"), "-m", str(home / "statement.txt"), "-t", comment
    )
    assert good.returncode == 0, good.stderr
    valid = (home / "statement.txt.minisig").read_bytes()
    other_key = SecretKey.generate()
    text = (home / "statement.txt").read_bytes()
    no_comment = run_minisign(
        "-S", "-s", str(home / "samizdat.key"), "-m", str(home / "statement.txt")
    )
    assert no_comment.returncode == 0
    return {
        "garbage": (b"\x00\xffnot a signature at all\x89PNG", "not text"),
        "empty": (b"", "The submitted file is empty"),
        "random text": (b"untrusted comment: hi\nAAAA\n", "not a usable minisign"),
        "truncated": (valid[: len(valid) // 2], "truncated"),
        "huge": (b"a" * 100_000, "too large"),
        "other key": (other_key.sign(text, comment).to_file(), "not with the site's key"),
        "other text": (_other_text_signature(run_minisign, home, comment), "does not match"),
        "default comment": (
            (home / "statement.txt.minisig").read_bytes(),
            "must name this statement",
        ),
        "altered comment": (
            valid.replace(b"trusted comment: file:", b"trusted comment: fila:"),
            "trusted comment",
        ),
    }


def test_bad_offline_uploads_are_refused_and_nothing_is_published(
    editor, editor_key, make_statement, run_minisign
):
    draft = _draft(make_statement)
    command, date = _download(editor, draft, editor_key)
    for name, (data, message) in _bad_uploads(run_minisign, editor_key, command).items():
        response = _upload(editor, draft, data, date)
        assert response.status_code == 400, name
        assert message in html.unescape(response.content.decode()), name
        assert _status(draft) == Statement.Status.DRAFT, name
        assert not StatementSignature.objects.exists(), name
    assert _upload(editor, draft, b"x", "yesterday").status_code == 400  # a forged date field
    refused = AuditEntry.objects.filter(action="signature.upload_refused")
    assert refused.count() >= len(_bad_uploads(run_minisign, editor_key, command))
    assert not AuditEntry.objects.filter(action="signature.uploaded").exists()


def test_offline_resign_after_an_edit(editor, editor_key, make_statement, run_minisign, client):
    statement = make_statement()  # published unsigned (no secret key here)
    statement.body = "Edited, then signed offline."
    statement.save()
    command, date = _download(editor, statement, editor_key, mode="resign")
    comment = command.split(" -t ", 1)[1].strip("'")
    key, text = str(editor_key / "samizdat.key"), str(editor_key / "statement.txt")
    assert run_minisign("-S", "-s", key, "-m", text, "-t", comment).returncode == 0
    sig = (editor_key / "statement.txt.minisig").read_bytes()
    title = statement.title
    statement.title = "Edited again after the download"
    statement.save()
    refused = _upload(editor, statement, sig, date, mode="resign")
    assert refused.status_code == 400 and not StatementSignature.objects.exists()
    statement.title = title
    statement.save()
    assert _upload(editor, statement, sig, date, mode="resign").status_code == 302
    url = statement.get_absolute_url()
    assert client.get(url + "statement.txt.minisig").content.decode() in sig.decode()


def test_plain_publish_now_signs_nothing_and_says_so(editor, site_key, make_statement):
    draft = _draft(make_statement)
    page = editor.post(
        "/admin/publishing/statement/",
        {"action": "publish_now", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert _status(draft) == Statement.Status.PUBLISHED
    assert "Published without a signature" in html.unescape(page.content.decode())
    assert not StatementSignature.objects.exists()


def test_signature_list_shows_the_trusted_comment(editor, site_key, make_statement, sign):
    statement = sign(make_statement())
    page = editor.get("/admin/authenticity/statementsignature/").content.decode()
    assert html.escape("url:http://testserver" + statement.get_absolute_url()) in page


def test_without_the_secret_key_the_sign_page_points_to_offline_signing(
    editor, editor_key, make_statement
):
    draft = _draft(make_statement)
    page = editor.get(f"{SIGN}?mode=publish&ids={draft.pk}").content.decode()
    assert "not on this server" in page and _offline(draft).replace("&", "&amp;") in page
    editor.post(SIGN, {"ids": draft.pk, "mode": "publish"})
    assert _status(draft) == Statement.Status.DRAFT
