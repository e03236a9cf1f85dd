from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from samizdat.discussion.models import Comment, SpentNonce

pytestmark = pytest.mark.django_db


def make(statement, days_old: int, status=Comment.Status.APPROVED) -> Comment:
    return Comment.objects.create(
        statement=statement,
        language="ru",
        name="n",
        text="t",
        status=status,
        ip_hash="a" * 64,
        created_at=timezone.now() - timedelta(days=days_old),
    )


def run(*args) -> str:
    out = StringIO()
    call_command("purge_comment_data", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_purge_erases_old_address_hashes_only(statement):
    old, recent = make(statement, 31), make(statement, 29)
    SpentNonce.objects.create(nonce="old-nonce-1", expires_at=timezone.now() - timedelta(1))
    SpentNonce.objects.create(nonce="live-nonce-1", expires_at=timezone.now() + timedelta(1))
    out = run()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_hash == "" and recent.ip_hash == "a" * 64
    assert list(SpentNonce.objects.values_list("nonce", flat=True)) == ["live-nonce-1"]
    assert "erased 1 address hashes older than 30 days" in out
    assert Comment.objects.count() == 2


def test_purge_respects_the_setting_and_days_flag(statement, settings):
    c = make(statement, 8)
    settings.COMMENT_IP_RETENTION_DAYS = 10
    run()
    c.refresh_from_db()
    assert c.ip_hash
    run("--days", "7")
    c.refresh_from_db()
    assert c.ip_hash == ""


def test_purge_dry_run_and_delete_spam(statement):
    spam = make(statement, 40, Comment.Status.SPAM)
    assert "would erase 1" in run("--dry-run")
    spam.refresh_from_db()
    assert spam.ip_hash
    run("--delete-spam")
    assert not Comment.objects.filter(pk=spam.pk).exists()


def test_purge_works_through_many_batches(statement):
    Comment.objects.bulk_create(
        Comment(
            statement=statement,
            language="ru",
            name="n",
            text="t",
            ip_hash="b" * 64,
            created_at=timezone.now() - timedelta(days=60),
        )
        for _ in range(2500)
    )
    run()
    assert not Comment.objects.exclude(ip_hash="").exists()
