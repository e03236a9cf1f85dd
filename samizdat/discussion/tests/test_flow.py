"""The full post flow through Django's test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from samizdat.discussion import captcha, privacy
from samizdat.discussion.models import Comment, CommentPolicy, Reason
from samizdat.publishing.models import Statement

from .bot import read_form

pytestmark = pytest.mark.django_db


def approve_all():
    Comment.objects.update(status=Comment.Status.APPROVED)


@pytest.mark.parametrize(
    ("language", "empty", "leave"),
    [
        ("ru", "Комментариев пока нет… Будьте первым!", "Оставить комментарий"),
        ("kk", "Әзірге пікір жоқ… Бірінші болыңыз!", "Пікір қалдыру"),
        ("en", "No comments yet… Be the first!", "Leave a comment"),
    ],
)
def test_empty_state_and_form_in_the_page_language(client, make_statement, language, empty, leave):
    statement = make_statement(language=language)
    html = client.get(statement.get_absolute_url()).content.decode()
    assert empty in html and leave in html
    form = read_form(html)
    # The challenge is plain text in a <label>, the result in the page language's words.
    words = form.equation.split("= ")[1]
    assert captcha.parse_answer(words) is not None
    assert words in {captcha.number_words(n, language) for n in range(0, 82)}
    assert '<label for="c-answer">' in html and "<img" not in html.split('id="comments"')[1]


def test_first_comment_is_held_with_notice_and_moderators_are_emailed(
    bot, statement, django_user_model, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    moderator = django_user_model.objects.create_user("mod", "mod@example.org", "x")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    with django_capture_on_commit_callbacks(execute=True):
        r = bot.comment(statement.get_absolute_url(), name="Айгерим", text="Первый!")
    assert r.status_code == 302 and r["Location"].endswith("?comment=pending#comments")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.reason_list() == [Reason.FIRST]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mod@example.org"]
    assert "Первый!" in mail.outbox[0].body and comment.ip_hash not in mail.outbox[0].body
    page = bot.client.get(r["Location"]).content.decode()
    assert "Ваш комментарий ждёт модерации" in page
    assert "Первый!" not in page  # not shown before approval


def test_known_author_is_published_at_the_anchor(bot, statement):
    bot.comment(statement.get_absolute_url(), name="Айгерим", text="Первый")
    approve_all()
    r = bot.comment(statement.get_absolute_url(), name="Айгерим", text="Второй")
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.APPROVED
    assert r["Location"] == f"{statement.get_absolute_url()}?comment=posted#c{second.pk}"
    page = bot.client.get(r["Location"]).content.decode()
    assert f'id="c{second.pk}"' in page and "Второй" in page
    assert "Ваш комментарий опубликован" in page
    assert "2 комментария" in page


def test_email_alone_never_makes_a_known_author(bot, statement):
    bot.comment(statement.get_absolute_url(), email="a@example.org", notify="1", text="1")
    approve_all()
    other_browser = type(bot)(Client(), bot.clock)
    other_browser.comment(statement.get_absolute_url(), email="A@example.org", text="2")
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.PENDING and second.reason_list() == [Reason.FIRST]


def test_author_key_moves_to_the_newest_approved_comment(bot, statement):
    url = statement.get_absolute_url()
    bot.comment(url, text="1")
    first_key = bot.client.cookies[privacy.AUTHOR_COOKIE].value
    approve_all()
    keyed = Comment.objects.exclude(author_key_hash="")
    for n in (2, 3):
        bot.comment(url, text=str(n))
        newest = Comment.objects.latest("pk")
        assert newest.status == Comment.Status.APPROVED
        # One comment carries the key's hash: the database does not link the author's comments.
        assert list(keyed.values_list("pk", flat=True)) == [newest.pk]
    assert bot.client.cookies[privacy.AUTHOR_COOKIE].value != first_key
    # The first cookie no longer recognises anyone (a copied old cookie is worth nothing).
    stale = type(bot)(Client(), bot.clock)
    stale.client.cookies[privacy.AUTHOR_COOKIE] = first_key
    stale.comment(url, text="4")
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_email_is_stored_only_for_notifications(bot, statement):
    bot.comment(statement.get_absolute_url(), email="a@example.org", text="1")
    bot.comment(statement.get_absolute_url(), email="b@example.org", text="2", notify="1")
    first, second = Comment.objects.order_by("pk")
    assert first.email == "" and first.email_hash == "" and not first.notify_replies
    assert second.email == "b@example.org" and second.notify_replies
    assert second.email_hash == privacy.email_hash("b@example.org")
    assert not second.email_confirmed


def test_wrong_answer_keeps_text_and_gives_a_fresh_challenge(bot, statement):
    form = bot.open(statement.get_absolute_url())
    r = bot.post(form, answer=form.answer % 9 + 1, name="Марат", text="Мой <b>текст</b>")
    assert r.status_code == 400
    html = r.content.decode()
    assert "Ответ неверный" in html
    again = read_form(html)
    assert again.token != form.token
    assert "Мой &lt;b&gt;текст&lt;/b&gt;</textarea>" in html and 'value="Марат"' in html
    assert Comment.objects.count() == 0
    # The fresh challenge works (a retry needs only a short pause).
    r = bot.post(again, wait=2, name="Марат", text="Мой текст")
    assert r.status_code == 302


def test_answer_in_words_is_accepted(bot, statement):
    form = bot.open(statement.get_absolute_url())
    r = bot.post(form, answer=captcha.number_words(form.answer, "ru"))
    assert r.status_code == 302


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("forged", "Не удалось проверить форму"),
        ("expired", "Срок действия формы истёк"),
        ("missing", "Не удалось проверить форму"),
    ],
)
def test_bad_tokens(bot, statement, token, message):
    form = bot.open(statement.get_absolute_url())
    if token == "expired":
        form.token = captcha.issue_token(statement.pk, issued=bot.clock() - 5 * 3600)
    elif token == "forged":
        form.token = form.token[:-3] + "xyz"
    else:
        form.token = ""
    r = bot.post(form, text="Сохрани меня")
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html and "Сохрани меня</textarea>" in html


def test_replayed_token_is_refused(bot, statement):
    form = bot.open(statement.get_absolute_url())
    assert bot.post(form).status_code == 302
    r = bot.post(form, text="ещё раз")
    assert r.status_code == 400 and "Эта форма уже была отправлена" in r.content.decode()
    assert Comment.objects.count() == 1


def test_too_fast_is_refused_then_accepted_after_a_pause(bot, statement):
    form = bot.open(statement.get_absolute_url())
    r = bot.post(form, wait=1, text="быстро")
    assert r.status_code == 400 and "Слишком быстро" in r.content.decode()
    retry = read_form(r.content.decode())
    r = bot.post(retry, wait=1)
    assert r.status_code == 400  # a retry still needs 2 s
    assert bot.post(read_form(r.content.decode()), wait=2).status_code == 302


def test_honeypot_goes_to_spam_and_looks_like_moderation(bot, statement):
    r = bot.comment(statement.get_absolute_url(), website="http://spam.example")
    assert r["Location"].endswith("?comment=pending#comments")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM and Reason.HONEYPOT in comment.reason_list()
    assert privacy.AUTHOR_COOKIE not in r.cookies


def test_links_are_held_with_reason(bot, statement):
    bot.comment(statement.get_absolute_url(), text="1")
    approve_all()
    bot.comment(statement.get_absolute_url(), text="https://a.example www.b.example c.example.com")
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.PENDING and comment.reason_list() == [Reason.LINKS]


def test_client_rate_limit(bot, statement, settings):
    settings.COMMENT_RATE_CLIENT = "3/600"
    codes = [bot.comment(statement.get_absolute_url(), text=f"{i}").status_code for i in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    r = bot.comment(statement.get_absolute_url(), text="ещё")
    assert "слишком много комментариев" in r.content.decode() and "ещё</textarea>" in (
        r.content.decode()
    )
    assert Comment.objects.count() == 3


def test_attempt_rate_limit_counts_failed_posts_too(bot, statement, settings):
    settings.COMMENT_RATE_ATTEMPTS = "3/600"
    codes = [
        bot.post(bot.open(statement.get_absolute_url()), answer="0").status_code for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_statement_rate_limit_across_clients(bot, statement, settings):
    settings.COMMENT_RATE_STATEMENT = "2/3600"
    codes = []
    for i in range(3):
        extra = {"REMOTE_ADDR": f"198.51.100.{i + 1}"}
        form = bot.open(statement.get_absolute_url())
        codes.append(bot.post(form, extra=extra).status_code)
    assert codes == [302, 302, 429]


def test_rate_limit_is_per_client_address(bot, statement, settings):
    settings.COMMENT_RATE_CLIENT = "1/600"
    url = statement.get_absolute_url()
    assert bot.post(bot.open(url), extra={"REMOTE_ADDR": "198.51.100.1"}).status_code == 302
    assert bot.post(bot.open(url), extra={"REMOTE_ADDR": "198.51.100.1"}).status_code == 429
    assert bot.post(bot.open(url), extra={"REMOTE_ADDR": "198.51.100.2"}).status_code == 302
    assert Comment.objects.first().ip_hash == privacy.ip_hash("198.51.100.1")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Укажите имя."),
        ({"text": "   "}, "Напишите комментарий."),
        ({"text": "я" * 5001}, "Комментарий слишком длинный: символов — 5001"),
        ({"name": "n" * 101}, "Имя слишком длинное"),
        ({"email": "not-an-email"}, "Адрес почты выглядит неправильным."),
        ({"notify": "1"}, "Укажите адрес почты, чтобы получать уведомления"),
        ({"name": "Ai\u202egerim"}, "невидимые управляющие символы"),
        ({"text": "a\x00b"}, "невидимые управляющие символы"),
        ({"text": "zero\u200bwidth"}, "невидимые управляющие символы"),
        ({"answer": ""}, "Впишите пропущенное число"),
        ({"parent": "999999"}, "больше недоступен"),
        ({"parent": "abc"}, ""),
    ],
)
def test_bad_input_gives_clear_errors_and_keeps_the_text(bot, statement, fields, message):
    form = bot.open(statement.get_absolute_url())
    data = {"text": "Мой текст"}
    data.update(fields)
    r = bot.post(form, **data)
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html
    kept = data["text"].replace("\x00", "").replace("\u200b", "").strip()
    if len(kept) <= 5001 and kept:
        assert f"{kept}</textarea>" in html
    assert read_form(html).token != form.token


def test_invisible_characters_are_removed_on_the_second_try(bot, statement):
    form = bot.open(statement.get_absolute_url())
    r = bot.post(form, name="Ai\u202egerim", text="hi")
    assert 'value="Aigerim"' in r.content.decode()
    retry = read_form(r.content.decode())
    assert bot.post(retry, name="Aigerim", text="hi").status_code == 302


def test_missing_fields_entirely(client, statement):
    r = client.post(f"/ru/comments/{statement.pk}/", {})
    assert r.status_code == 400 and "Укажите имя." in r.content.decode()


def test_statement_that_does_not_exist_or_is_unpublished(client, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT)
    for url in (f"/ru/comments/{draft.pk}/", "/ru/comments/987654/"):
        r = client.post(url, {"name": "a", "text": "Мой длинный текст"})
        assert r.status_code == 404
        html = r.content.decode()
        assert "Это заявление недоступно" in html and "Мой длинный текст</textarea>" in html


def test_statement_in_another_language_prefix_is_unavailable(client, statement):
    r = client.post(f"/en/comments/{statement.pk}/", {"text": "x"})
    assert r.status_code == 404 and "This statement is not available" in r.content.decode()


def test_get_on_the_post_url_is_not_allowed(client, statement):
    assert client.get(f"/ru/comments/{statement.pk}/").status_code == 405


def test_oversized_post_is_a_clear_400(client, statement, settings):
    r = client.post(f"/ru/comments/{statement.pk}/", {"text": "x" * (200 * 1024)})
    assert r.status_code == 400 and "Форма слишком большая" in r.content.decode()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = client.post(f"/ru/comments/{statement.pk}/", {"text": "x" * 2000})
    assert r.status_code == 400 and "Форма слишком большая" in r.content.decode()


def test_too_many_fields_is_a_clear_400(client, statement):
    body = "&".join(f"f{i}=x" for i in range(1500)) + "&text=keep"
    r = client.post(
        f"/ru/comments/{statement.pk}/", body, content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 400 and "Форма слишком большая" in r.content.decode()


def test_garbage_body_and_multipart_do_not_500(client, statement):
    url = f"/ru/comments/{statement.pk}/"
    r = client.post(url, b"\xff\xfe\x00garbage", content_type="application/x-www-form-urlencoded")
    assert r.status_code in (400, 429)
    r = client.post(url, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert r.status_code == 400
    r = client.post(url, {"name": ["a", "b"], "text": ["1", "2"]})
    assert r.status_code == 400


def test_csrf_is_not_needed_but_cross_site_posts_are_refused(bot, statement):
    csrf_client = Client(enforce_csrf_checks=True)
    robot = type(bot)(csrf_client, bot.clock)
    assert robot.comment(statement.get_absolute_url()).status_code == 302
    r = robot.post(
        robot.open(statement.get_absolute_url()), extra={"HTTP_SEC_FETCH_SITE": "cross-site"}
    )
    assert r.status_code == 400


def test_comments_closed_per_statement(bot, client, statement):
    CommentPolicy.objects.create(statement=statement, comments_open=False)
    html = client.get(statement.get_absolute_url()).content.decode()
    assert "Комментарии закрыты." in html and 'id="comment-form"' not in html
    r = client.post(f"/ru/comments/{statement.pk}/", {"name": "a", "text": "поздно"})
    assert r.status_code == 403 and "поздно</textarea>" in r.content.decode()


def test_comments_close_after_n_days(client, make_statement, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 10
    old = make_statement(published_at=timezone.now() - timedelta(days=11))
    new = make_statement(published_at=timezone.now() - timedelta(days=9))
    assert "Комментарии закрыты." in client.get(old.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in client.get(new.get_absolute_url()).content.decode()
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    assert 'id="comment-form"' in client.get(old.get_absolute_url()).content.decode()


def test_threaded_replies_and_depth_limit(bot, statement, settings):
    settings.COMMENT_MODERATE_FIRST = False
    url = statement.get_absolute_url()
    bot.comment(url, name="A", text="корень")
    parent = Comment.objects.get()
    for depth in range(1, 5):
        reply_page = bot.client.get(f"/ru/comments/reply/{parent.pk}/")
        assert reply_page.status_code == 200
        html = reply_page.content.decode()
        assert f"Ответ для {parent.name}" in html
        form = read_form(html)
        r = bot.post(form, name=f"R{depth}", text=f"уровень {depth}", parent=str(parent.pk))
        assert r.status_code == 302, r.content.decode()[-3000:]
        parent = Comment.objects.latest("pk")
    depths = list(Comment.objects.order_by("pk").values_list("depth", flat=True))
    assert depths == [0, 1, 2, 2, 2]
    html = bot.client.get(url).content.decode()
    assert html.count('<ol class="comment-list">') == 3  # nesting stops at depth 3
    assert html.index("уровень 1") < html.index("уровень 4")


def test_reply_to_unknown_or_pending_comment_is_404(client, statement):
    pending = Comment.objects.create(statement=statement, language="ru", name="a", text="t")
    assert client.get(f"/ru/comments/reply/{pending.pk}/").status_code == 404
    assert client.get("/ru/comments/reply/424242/").status_code == 404


def test_static_export_is_read_only_with_a_link_to_the_live_site(client, statement):
    Comment.objects.create(
        statement=statement,
        language="ru",
        name="Дана",
        text="видно",
        status=Comment.Status.APPROVED,
    )
    html = client.get(
        statement.get_absolute_url() + "?comment=pending", **{"samizdat.export": True}
    ).content.decode()
    assert "видно" in html and 'id="comment-form"' not in html and 'name="token"' not in html
    assert f'href="http://testserver{statement.get_absolute_url()}?comment=form#comments"' in html
    assert "Прокомментировать на основном сайте" in html
    assert "/comments/reply/" not in html and "ждёт модерации" not in html


def test_public_page_never_shows_email_hash_or_address(bot, statement):
    bot.comment(statement.get_absolute_url(), email="secret@example.org", notify="1", text="x")
    approve_all()
    comment = Comment.objects.get()
    html = bot.client.get(statement.get_absolute_url()).content.decode()
    for private in ("secret@example.org", comment.email_hash, comment.ip_hash, "127.0.0.1"):
        assert private not in html


def test_reply_notification_and_one_click_unsubscribe(
    bot, statement, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_MODERATE_FIRST = False
    url = statement.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        bot.comment(url, name="A", email="a@example.org", notify="1", text="вопрос")
    parent = Comment.objects.get()
    [confirmation] = mail.outbox
    confirm_url = confirmation.body.split("кнопку: ")[1].split()[0]
    parent.refresh_from_db()
    assert not parent.email_confirmed
    with django_capture_on_commit_callbacks(execute=True):
        bot.client.post(confirm_url.replace("http://testserver", ""))
    parent.refresh_from_db()
    assert parent.email_confirmed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bot.comment(url, name="B", text="ответ", parent=str(parent.pk))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.org"] and "ответ" in message.body
    unsubscribe_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in message.body
    path = unsubscribe_url.replace("http://testserver", "")
    r = bot.client.get(path)  # a GET (a link scanner, a preview) changes nothing
    assert r.status_code == 200 and '<form method="post"' in r.content.decode()
    parent.refresh_from_db()
    assert parent.notify_replies and parent.email == "a@example.org"
    # RFC 8058: the mail program posts "List-Unsubscribe=One-Click", without any cookie.
    r = Client().post(path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded")
    assert r.status_code == 200 and "больше не будете получать" in r.content.decode()
    parent.refresh_from_db()
    assert parent.email == "" and parent.email_hash == "" and not parent.notify_replies
    assert bot.client.get("/ru/comments/unsubscribe/forged/").status_code == 400
    assert bot.client.post("/ru/comments/unsubscribe/forged/").status_code == 400


def test_no_reply_mail_before_the_address_is_confirmed(
    bot, statement, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_MODERATE_FIRST = False
    url = statement.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        bot.comment(url, name="A", email="victim@example.org", notify="1", text="вопрос")
    [confirmation] = mail.outbox
    assert confirmation.to == ["victim@example.org"]
    confirm_path = confirmation.body.split("кнопку: ")[1].split()[0][len("http://testserver") :]
    r = bot.client.get(confirm_path)  # GET shows the button only
    assert r.status_code == 200 and '<form method="post"' in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        bot.comment(url, name="B", text="ответ", parent=str(Comment.objects.get().pk))
    assert len(mail.outbox) == 1  # still only the confirmation
    assert not Comment.objects.get(name="A").email_confirmed
    assert bot.client.post("/ru/comments/confirm/forged/").status_code == 400


def test_one_confirmation_mail_a_day_per_address(
    bot, statement, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_MODERATE_FIRST = False
    url = statement.get_absolute_url()
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            bot.comment(url, email="victim@example.org", notify="1", text=f"спам {n}")
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    confirm_path = mail.outbox[0].body.split("кнопку: ")[1].split()[0][len("http://testserver") :]
    bot.client.post(confirm_path)
    assert Comment.objects.filter(email_confirmed=True).count() == 3  # one link confirms all


def test_unconfirmed_requests_are_forgotten(bot, statement, settings):
    from samizdat.discussion import notifications

    bot.comment(statement.get_absolute_url(), email="a@example.org", notify="1", text="1")
    later = timezone.now() + timedelta(days=settings.COMMENT_CONFIRM_DAYS, minutes=1)
    assert notifications.forget_unconfirmed(now=timezone.now()) == 0
    assert notifications.forget_unconfirmed(now=later) == 1
    comment = Comment.objects.get()
    assert (comment.email, comment.email_hash, comment.notify_replies) == ("", "", False)


def test_no_notification_for_replying_to_yourself(
    bot, statement, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_MODERATE_FIRST = False
    url = statement.get_absolute_url()
    bot.comment(url, email="a@example.org", notify="1", text="1")
    with django_capture_on_commit_callbacks(execute=True):
        bot.comment(url, email="a@example.org", text="2", parent=str(Comment.objects.get().pk))
    assert mail.outbox == []
