"""The statement page costs the same number of SQL queries with 0 or 500 comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samizdat.discussion.models import Comment

pytestmark = pytest.mark.django_db


def add_comments(statement, n: int) -> None:
    roots = Comment.objects.bulk_create(
        Comment(
            statement=statement,
            language="ru",
            name=f"Читатель {i}",
            text=f"Текст {i}",
            status=Comment.Status.APPROVED,
        )
        for i in range(n // 2)
    )
    replies = Comment.objects.bulk_create(
        Comment(
            statement=statement,
            parent=roots[i % len(roots)],
            depth=1,
            language="ru",
            name=f"Ответ {i}",
            text=f"https://example.org/{i}\n\nабзац",
            status=Comment.Status.APPROVED,
        )
        for i in range(n // 4)
    )
    Comment.objects.bulk_create(
        Comment(
            statement=statement,
            parent=replies[i % len(replies)],
            depth=2,
            language="ru",
            name=f"Глубже {i}",
            text="…",
            status=Comment.Status.APPROVED,
        )
        for i in range(n - len(roots) - len(replies))
    )
    # Hidden comments must not be shown, nor cost queries.
    Comment.objects.bulk_create(
        Comment(statement=statement, language="ru", name="спам", text="spam", status=status)
        for status in (Comment.Status.SPAM, Comment.Status.PENDING, Comment.Status.REMOVED)
    )


def count_queries(client, statement) -> tuple[int, str]:
    client.get(statement.get_absolute_url())  # warm the navigation cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_constant_queries_with_0_or_500_comments(client, make_statement, settings):
    settings.COMMENT_THREADS_PER_PAGE = 1000  # all on one page (pagination: caching tests)
    empty = make_statement(tags=["a", "b"])
    busy = make_statement(tags=["a", "b"])
    add_comments(busy, 500)
    n_empty, _ = count_queries(client, empty)
    n_busy, html = count_queries(client, busy)
    assert n_busy == n_empty
    assert html.count('class="comment"') == 500
    assert "500 комментариев" in html and "спам" not in html.split('id="comments"')[1]
