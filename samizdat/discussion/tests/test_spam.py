"""Each anti-spam layer on its own."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from samizdat.discussion import privacy, spam
from samizdat.discussion.conf import Rate, parse_rate
from samizdat.discussion.models import BlockedTerm, Comment, Reason


@pytest.mark.parametrize(
    ("value", "filled"),
    [("", False), (None, False), ("  ", False), ("http://spam.example", True), ("x", True)],
)
def test_honeypot(value, filled):
    assert spam.honeypot_filled(value) is filled


def test_too_fast():
    assert spam.too_fast(issued=100, min_seconds=5, now=104)
    assert not spam.too_fast(issued=100, min_seconds=5, now=105)
    assert not spam.too_fast(issued=100, min_seconds=0, now=100)


def test_rate_limit_counts_per_key():
    rate = Rate(3, 60)
    results = [spam.over_rate("client", "a", rate, now=960 + i) for i in range(5)]
    assert results == [False, False, False, True, True]
    assert spam.over_rate("client", "b", rate, now=960) is False  # another client
    assert spam.over_rate("statement", "a", rate, now=960) is False  # another scope


def test_rate_limit_window_slides():
    rate = Rate(3, 60)
    for _ in range(3):
        spam.over_rate("client", "a", rate, now=960)  # 3 events at the start of a window
    # Just after the boundary the previous window still counts almost fully…
    assert spam.over_rate("client", "a", rate, now=1020 + 1) is True
    # …and it fades: two thirds through the next window, 3 × 1/3 + 2 events = 3, allowed.
    assert spam.over_rate("client", "b", rate, now=960) is False
    assert spam.hit_rate("client", "a", rate, now=1020 + 40) == pytest.approx(3 * (1 / 3) + 2)
    # Two windows later everything is forgotten.
    assert spam.hit_rate("client", "a", rate, now=1140) == 1


def test_rate_limit_keeps_a_flooding_client_limited():
    rate = Rate(5, 600)
    allowed = sum(
        not spam.over_rate("client", "f", rate, now=t) for t in range(0, 3600, 60)
    )  # one attempt a minute for an hour, never backing off
    assert allowed == 5


def test_rate_limit_survives_expired_key(monkeypatch):
    monkeypatch.setattr(cache, "incr", lambda *a, **k: (_ for _ in ()).throw(ValueError()))
    assert spam.hit_rate("client", "z", Rate(1, 60), now=0) == 1


@pytest.mark.parametrize(
    ("value", "rate"),
    [("5/600", Rate(5, 600)), ("junk", Rate(1, 2)), ("0/10", Rate(1, 2)), ("3/x", Rate(1, 2))],
)
def test_parse_rate(value, rate):
    assert parse_rate(value, Rate(1, 2)) == rate


def test_link_count_rule(settings):
    assert not spam.too_many_links("Name", "one https://a.example two www.b.example", 2)
    assert spam.too_many_links("http://name.example", "https://a.example www.b.example", 2)


def _terms(*specs):
    return [BlockedTerm(term=t, kind=k, action=a) for t, k, a in specs]


def test_blocklist_words_match_whole_words_any_case():
    terms = _terms(("казино", "word", "spam"), ("viagra", "word", "hold"))
    assert [t.term for t in spam.blocklist_matches("", "Лучшее КАЗИНО тут", "", terms)] == [
        "казино"
    ]
    assert spam.blocklist_matches("", "казиноход", "", terms) == []
    assert [t.term for t in spam.blocklist_matches("VIAGRA shop", "", "", terms)] == ["viagra"]


def test_blocklist_yo_and_phrases():
    terms = _terms(("чёрный рынок", "word", "hold"))
    assert spam.blocklist_matches("", "это черный рынок", "", terms)


def test_blocklist_domains_match_subdomains_links_and_email():
    terms = _terms(("spam.example", "domain", "spam"))
    assert spam.blocklist_matches("", "go https://www.spam.example/x", "", terms)
    assert spam.blocklist_matches("", "go shop.spam.example", "", terms)
    assert spam.blocklist_matches("", "", "bot@mail.spam.example", terms)
    assert not spam.blocklist_matches("", "notspam.example", "", terms)
    assert not spam.blocklist_matches("", "the word spam.examples", "", terms)


def test_blank_blocklist_term_matches_nothing():
    assert spam.blocklist_matches("", "anything", "", _terms(("  ", "word", "spam"))) == []


@pytest.mark.django_db
def test_known_author_only_by_cookie_key(make_statement):
    statement = make_statement()
    key = privacy.author_key_hash("k" * 20)
    assert not spam.is_known_author(key)
    Comment.objects.create(
        statement=statement,
        language="ru",
        name="a",
        text="t",
        email_hash=privacy.email_hash("reader@example.org"),
        author_key_hash=key,
        status=Comment.Status.PENDING,
    )
    assert not spam.is_known_author(key)  # pending does not count
    Comment.objects.update(status=Comment.Status.APPROVED)
    assert spam.is_known_author(key)
    assert not spam.is_known_author("")


def verdict(**kwargs):
    base = dict(honeypot="", name="Аня", text="Согласна.", email="", known_author=True, terms=[])
    base.update(kwargs)
    return spam.verdict(**base)


def test_verdict_approves_a_known_author():
    assert verdict().status == Comment.Status.APPROVED and verdict().reasons == []


def test_verdict_holds_first_comment():
    v = verdict(known_author=False)
    assert (v.status, v.reasons) == (Comment.Status.PENDING, [Reason.FIRST])


def test_verdict_first_comment_rule_can_be_switched_off(settings):
    settings.COMMENT_MODERATE_FIRST = False
    assert verdict(known_author=False).status == Comment.Status.APPROVED


def test_verdict_moderate_all(settings):
    settings.COMMENT_MODERATE_ALL = True
    assert verdict().reasons == [Reason.MODERATE_ALL]


def test_verdict_holds_many_links():
    v = verdict(text="https://a.example https://b.example https://c.example")
    assert (v.status, v.reasons) == (Comment.Status.PENDING, [Reason.LINKS])


def test_verdict_honeypot_is_spam_and_keeps_other_reasons():
    v = verdict(honeypot="http://x.example", known_author=False)
    assert v.status == Comment.Status.SPAM
    assert v.reasons == [Reason.HONEYPOT, Reason.FIRST]


def test_verdict_blocklist_hold_and_spam():
    hold = verdict(text="buy pills", terms=_terms(("pills", "word", "hold")))
    assert (hold.status, hold.reasons) == (Comment.Status.PENDING, [Reason.BLOCKLIST])
    binned = verdict(text="buy pills", terms=_terms(("pills", "word", "spam")))
    assert (binned.status, binned.reasons) == (Comment.Status.SPAM, [Reason.BLOCKLIST_SPAM])
