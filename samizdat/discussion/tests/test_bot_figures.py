"""What each layer stops when a bot reads the number words perfectly (default settings).

The bot in bot.py parses the equation and always answers correctly, so the captcha alone stops
nothing; these figures show what the timing, rate and moderation layers still do. They are the
closing-note figures in docs/discussion.md.
"""

from __future__ import annotations

from collections import Counter

import pytest

from samizdat.discussion.models import BlockedTerm, Comment

pytestmark = pytest.mark.django_db


def outcome(response) -> str:
    html = response.content.decode()
    if response.status_code == 429:
        if "receiving very many comments" in html:
            return "refused:statement-rate"
        return "refused:client-rate"
    if response.status_code == 302:
        comment = Comment.objects.latest("pk")
        if comment.status == Comment.Status.APPROVED:
            return "published"
        return f"{comment.status}:{'+'.join(comment.reason_list())}"
    for marker, label in [
        ("That was very fast", "refused:too-fast"),
        ("already sent once", "refused:token-reused"),
        ("answer is not right", "refused:wrong-answer"),
    ]:
        if marker in html:
            return label
    return f"other:{response.status_code}"


def run(bot, url: str, posts: int, *, wait: float, ip=lambda i: "203.0.113.9", **fields):
    tally = Counter()
    for i in range(posts):
        form = bot.open(url, REMOTE_ADDR=ip(i))
        tally[outcome(bot.post(form, wait=wait, extra={"REMOTE_ADDR": ip(i)}, **fields))] += 1
    return tally


@pytest.fixture
def url(make_statement, clock):
    # Start on a full hour, so the figures do not depend on where the rate windows fall.
    clock.t = (clock.t // 3600 + 1) * 3600
    return make_statement(language="en").get_absolute_url()


def test_fast_bot_from_one_address(bot, url):
    """Posts the instant the page arrives: nothing gets in."""
    assert run(bot, url, 50, wait=0) == {"refused:too-fast": 20, "refused:client-rate": 30}


def test_patient_bot_from_one_address(bot, url):
    """Waits the minimum 5 s each time (50 posts in 250 s): 5 saved, all held."""
    assert run(bot, url, 50, wait=5) == {
        "pending:first": 5,
        "refused:client-rate": 45,
    }


def test_steady_bot_for_an_hour(bot, url):
    """One post a minute for an hour from one address: refused posts keep counting, so after
    the first 5 it never gets back under the limit. 5 saved, all held, none published."""
    assert run(bot, url, 60, wait=60) == {"pending:first": 5, "refused:client-rate": 55}


def test_bot_that_stays_under_the_rate_limit(bot, url):
    """One post every 3 minutes for an hour: the rate limits let all 20 in, first-comment
    moderation holds all 20."""
    assert run(bot, url, 20, wait=180) == {"pending:first": 20}


def test_botnet_on_one_statement(bot, url):
    """60 addresses, one post each, within the hour: the per-statement limit caps it at 30."""
    result = run(bot, url, 60, wait=5, ip=lambda i: f"198.51.100.{i + 1}")
    assert result == {"pending:first": 30, "refused:statement-rate": 30}


def test_replaying_one_solved_token(bot, url):
    form = bot.open(url)
    tally = Counter(outcome(bot.post(form, wait=5)) for _ in range(20))
    assert tally == {"pending:first": 1, "refused:token-reused": 19}


def test_form_filling_bot_is_binned(bot, url):
    result = run(bot, url, 5, wait=5, website="https://cheap.example")
    assert result == {"spam:honeypot+first": 5}


def test_trusted_sleeper_bot(bot, url, settings):
    """A bot whose first comment a moderator approved: plain text gets through (rate-limited),
    link spam is held and blocklisted domains are binned."""
    run(bot, url, 1, wait=5)
    Comment.objects.update(status=Comment.Status.APPROVED)
    BlockedTerm.objects.create(term="cheap.example", kind="domain", action="spam")
    links = "https://a.example https://b.example https://c.example"
    assert run(bot, url, 1, wait=60, text="Nice!") == {"published": 1}
    assert run(bot, url, 1, wait=60, text=links) == {"pending:links": 1}
    assert run(bot, url, 1, wait=60, text="see https://cheap.example/x") == {
        "spam:blocklist-spam": 1
    }
    # 4 saved so far in this 10-minute window; the limit is 5.
    assert run(bot, url, 4, wait=5, text="Nice!") == {"published": 1, "refused:client-rate": 3}
