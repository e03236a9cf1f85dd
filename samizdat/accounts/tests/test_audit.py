"""The audit trail: a hash chain that names the first edited or deleted entry, append-only,
one chain under concurrent writers, and admin changes recorded."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from samizdat.accounts import audit
from samizdat.accounts.models import AuditEntry
from samizdat.accounts.testing import verified_login

pytestmark = pytest.mark.django_db


def _chain(n=5):
    return [audit.record("test.event", n=i, text="ünïcode ✓") for i in range(n)]


def test_a_chain_verifies_and_links_each_entry_to_the_one_before():
    entries = _chain()
    assert entries[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert audit.verify() == (5, None)


def test_verify_names_an_entry_edited_in_the_database(capsys):
    entries = _chain()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditentry SET action = %s WHERE id = %s",
            ["test.harmless", entries[2].pk],
        )
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert f"entry #{entries[2].pk} (test.harmless)" in str(failure.value)
    assert "2 entries before it are intact" in str(failure.value)


def test_verify_names_the_entry_after_a_deleted_one():
    entries = _chain()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditentry WHERE id = %s", [entries[1].pk])
    checked, broken = audit.verify()
    assert checked == 1 and broken.entry_id == entries[2].pk
    assert "does not follow" in broken.reason


def test_verify_command_on_an_intact_chain(capsys):
    _chain(3)
    call_command("audit", "verify")
    assert "Audit trail intact: 3 entries." in capsys.readouterr().out


def test_entries_cannot_be_changed_or_deleted_through_django():
    entry = audit.record("test.event")
    entry.action = "other"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(action="x")


def test_the_admin_shows_the_trail_read_only(client, superuser):
    verified_login(client, superuser)
    entry = audit.record("test.event")
    assert client.get("/admin/accounts/auditentry/").status_code == 200
    page = client.get(f"/admin/accounts/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split(
        'id="content-main"'
    )[1].split("</form>")[0].replace('name="_popup"', "")
    assert client.get("/admin/accounts/auditentry/add/").status_code == 403
    assert client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/").status_code == 403


def test_admin_add_change_and_delete_are_recorded(client, superuser, make_statement):
    verified_login(client, superuser)
    one, two, three = make_statement(), make_statement(), make_statement()
    response = client.post(
        "/admin/publishing/statement/",
        {"action": "delete_selected", "_selected_action": [one.pk, two.pk], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEntry.objects.filter(action="admin.delete").values_list("object_id", flat=True)
    assert set(deleted) == {str(one.pk), str(two.pk)}
    action = AuditEntry.objects.get(action="admin.action")
    assert action.details["name"] == "delete_selected" and action.actor_name == "chief"
    client.post(
        "/admin/publishing/statement/",
        {"action": "delete_selected", "_selected_action": [three.pk], "post": "yes"},
    )
    single = AuditEntry.objects.filter(action="admin.delete", object_id=str(three.pk)).get()
    assert single.object_type == "publishing.statement" and single.object_repr == str(three)
    assert audit.verify()[1] is None


def test_sign_ins_are_recorded_without_passwords(client, staff, totp):
    from .conftest import PASSWORD, sign_in_password, totp_code

    sign_in_password(client, "editor", "not-the-password")
    sign_in_password(client, "editor")
    client.post("/admin/2fa/verify/", {"code": totp_code(totp)})
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["signin.failed", "signin.password", "signin.success"]
    dump = " ".join(
        str(v) for row in AuditEntry.objects.values() for v in row.values() if v is not None
    )
    assert PASSWORD not in dump and "not-the-password" not in dump


def test_the_database_refuses_a_fork():
    first = audit.record("test.event")
    fork = AuditEntry(
        at=first.at, action="test.fork", prev_hash=first.prev_hash, details={}, hash="f" * 64
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    """Eight threads, each its own database connection, append at once (PostgreSQL: the
    in-memory SQLite test database cannot take concurrent writers at all)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    errors = []
    barrier = threading.Barrier(8)

    def writer(n):
        try:
            barrier.wait()
            for i in range(10):
                audit.record("test.concurrent", writer=n, i=i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert AuditEntry.objects.count() == 80
    assert audit.verify() == (80, None)


def test_the_worker_checks_the_chain_daily_and_logs_a_break(caplog):
    from samizdat.core import periodic

    entries = _chain(3)
    job = next(j for j in periodic.jobs() if j.name == "accounts.verify-audit-trail")
    assert job.every == 24 * 3600 and job.func() is None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditentry SET details = '{}' WHERE id = %s", [entries[1].pk]
        )
    assert job.func().entry_id == entries[1].pk
    assert f"entry #{entries[1].pk}" in caplog.text


def test_the_publishing_lifecycle_is_audited(
    staff, make_statement, django_capture_on_commit_callbacks
):
    from samizdat.publishing import lifecycle
    from samizdat.publishing.models import Statement

    statement = make_statement(status=Statement.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(statement, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.unpublish(statement, actor=staff)
    entries = AuditEntry.objects.filter(action__startswith="statement.").order_by("id")
    assert [e.action for e in entries] == ["statement.published", "statement.unpublished"]
    assert {e.actor_name for e in entries} == {"editor"}
    assert entries[0].object_id == str(statement.pk) and entries[0].details["language"] == "ru"
    assert audit.verify()[1] is None
