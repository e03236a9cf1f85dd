"""Moderation in the admin: filters, bulk actions, queue count, Moderators group."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from samizdat.accounts.testing import verified_login
from samizdat.discussion.models import BlockedTerm, Comment, Reason

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/discussion/comment/"


@pytest.fixture
def comments(make_statement):
    statement = make_statement()
    other = make_statement()
    made = []
    for i, (status, reasons) in enumerate(
        [
            (Comment.Status.PENDING, [Reason.FIRST]),
            (Comment.Status.PENDING, [Reason.LINKS, Reason.FIRST]),
            (Comment.Status.SPAM, [Reason.HONEYPOT]),
            (Comment.Status.APPROVED, []),
        ]
    ):
        c = Comment(
            statement=statement if i < 3 else other,
            language="ru",
            name=f"n{i}",
            text=f"текст {i}",
            status=status,
        )
        c.set_reasons(reasons)
        c.save()
        made.append(c)
    return made


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("moderator", "m@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_moderators_group_has_comment_permissions():
    codenames = set(
        Group.objects.get(name="Moderators")
        .permissions.filter(content_type__app_label="discussion")
        .values_list("codename", flat=True)
    )
    assert {"view_comment", "change_comment", "delete_comment"} <= codenames
    assert {"add_blockedterm", "change_blockedterm", "change_commentpolicy"} <= codenames
    assert "add_comment" not in codenames
    assert Permission.objects.filter(codename="view_comment").exists()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status__exact=pending", {"n0", "n1"}),
        ("status__exact=spam", {"n2"}),
        ("status__exact=approved", {"n3"}),
        ("reason=links", {"n1"}),
        ("reason=first", {"n0", "n1"}),
        ("reason=honeypot", {"n2"}),
        ("", {"n0", "n1", "n2", "n3"}),
    ],
)
def test_changelist_filters(client, moderator, comments, query, names):
    verified_login(client, moderator)
    response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    shown = {c.name for c in response.context["cl"].result_list}
    assert shown == names


def test_filter_by_statement(client, moderator, comments):
    verified_login(client, moderator)
    response = client.get(f"{CHANGELIST}?statement__id__exact={comments[0].statement_id}")
    assert {c.name for c in response.context["cl"].result_list} == {"n0", "n1", "n2"}


@pytest.mark.parametrize(
    ("action", "status"),
    [("mark_approved", "approved"), ("mark_spam", "spam"), ("mark_removed", "removed")],
)
def test_bulk_actions(client, moderator, comments, action, status):
    verified_login(client, moderator)
    ids = [str(comments[0].pk), str(comments[1].pk)]
    response = client.post(CHANGELIST, {"action": action, "_selected_action": ids}, follow=True)
    assert response.status_code == 200
    assert set(Comment.objects.filter(pk__in=ids).values_list("status", flat=True)) == {status}
    first = Comment.objects.get(pk=ids[0])
    assert first.moderated_by == moderator and first.moderated_at is not None


@pytest.mark.parametrize("confirmed", [True, False])
def test_approving_a_reply_notifies_the_parent_author(
    client, moderator, comments, confirmed, django_capture_on_commit_callbacks
):
    parent = comments[3]
    parent.email, parent.notify_replies, parent.email_hash = "p@example.org", True, "h" * 64
    parent.email_confirmed = confirmed
    parent.save()
    reply = Comment.objects.create(
        statement=parent.statement, parent=parent, depth=1, language="ru", name="r", text="ответ"
    )
    verified_login(client, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "mark_approved", "_selected_action": [reply.pk]})
    expected = [["p@example.org"]] if confirmed else []  # double opt-in: confirmed only
    assert [m.to for m in mail.outbox] == expected
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": [reply.pk]})
        client.post(CHANGELIST, {"action": "mark_approved", "_selected_action": [reply.pk]})
    assert len(mail.outbox) == len(expected)  # only once


def test_changing_status_in_the_form_records_the_moderator(client, moderator, comments):
    verified_login(client, moderator)
    c = comments[0]
    response = client.post(
        f"{CHANGELIST}{c.pk}/change/", {"name": c.name, "text": c.text, "status": "approved"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "approved" and c.moderated_by == moderator


def test_change_page_shows_reasons_in_words(client, moderator, comments):
    verified_login(client, moderator)
    html = client.get(f"{CHANGELIST}{comments[1].pk}/change/").content.decode()
    assert "too many links" in html or "слишком много ссылок" in html


def test_admin_index_shows_the_queue_count(client, moderator, comments):
    verified_login(client, moderator)
    html = client.get("/admin/").content.decode()
    assert 'class="discussion-queue"' in html
    assert f"{CHANGELIST}?status__exact=pending" in html
    assert "2" in html.split('class="discussion-queue"')[1].split("</a>")[0]


def test_admin_index_hides_the_count_without_permission(client, django_user_model, comments):
    user = django_user_model.objects.create_user("editor", "e@example.org", "pw", is_staff=True)
    verified_login(client, user)
    assert 'class="discussion-queue"' not in client.get("/admin/").content.decode()


def test_blocklist_is_editable(client, moderator):
    verified_login(client, moderator)
    response = client.post(
        "/admin/discussion/blockedterm/add/",
        {"term": "spam.example", "kind": "domain", "action": "spam", "note": ""},
    )
    assert response.status_code == 302
    assert BlockedTerm.objects.get().term == "spam.example"


def test_blocklist_applies_to_new_posts(bot, statement):
    BlockedTerm.objects.create(term="казино", kind="word", action="spam")
    bot.comment(statement.get_absolute_url(), text="Лучшее казино")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert Reason.BLOCKLIST_SPAM in comment.reason_list()


def test_change_page_never_shows_the_subscriber_address(client, moderator, comments):
    comment = comments[3]
    comment.email, comment.notify_replies, comment.email_hash = "sub@example.org", True, "h" * 64
    comment.email_confirmed = True
    comment.save()
    verified_login(client, moderator)
    html = client.get(f"{CHANGELIST}{comment.pk}/change/").content.decode()
    assert "sub@example.org" not in html and "h" * 64 not in html
    assert "адрес подтверждён" in html
