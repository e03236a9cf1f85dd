"""WordCaptcha properties: unique answers, correct words, tokens that work exactly once."""

from __future__ import annotations

import pytest
from django.core import signing
from hypothesis import given, settings
from hypothesis import strategies as st

from samizdat.discussion import captcha
from samizdat.discussion.captcha import Challenge, TokenError

CHALLENGES = st.sampled_from(captcha.all_challenges())
LANGUAGES = st.sampled_from(["ru", "kk", "en"])

# Independent spellings (written by hand, not by num2words) for every value 0..99.
RU_UNITS = "ноль один два три четыре пять шесть семь восемь девять".split()
RU_TEENS = (
    "десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать "
    "семнадцать восемнадцать девятнадцать"
).split()
RU_TENS = "_ _ двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто"
KK_UNITS = "нөл бір екі үш төрт бес алты жеті сегіз тоғыз".split()
KK_TENS = "_ он жиырма отыз қырық елу алпыс жетпіс сексен тоқсан".split()
EN_UNITS = "zero one two three four five six seven eight nine".split()
EN_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell(n: int, language: str) -> str:
    tens, unit = divmod(n, 10)
    if language == "kk":
        if tens == 0:
            return KK_UNITS[unit]
        return KK_TENS[tens] + ("" if unit == 0 else " " + KK_UNITS[unit])
    units, teens, tens_words, sep = (
        (RU_UNITS, RU_TEENS, RU_TENS.split(), " ")
        if language == "ru"
        else (EN_UNITS, EN_TEENS, EN_TENS, "-")
    )
    if tens == 0:
        return units[unit]
    if tens == 1:
        return teens[unit]
    return tens_words[tens] + ("" if unit == 0 else sep + units[unit])


def possible_results() -> set[int]:
    return {c.result for c in captcha.all_challenges()}


# --- challenges -------------------------------------------------------------------------------


@given(CHALLENGES)
def test_every_challenge_has_exactly_one_answer(challenge: Challenge):
    solutions = [x for x in range(-200, 201) if challenge.satisfied_by(x)]
    assert solutions == [challenge.answer]
    assert 1 <= challenge.answer <= 9
    assert challenge.result >= 0


@given(
    st.integers(-20, 20),
    st.sampled_from(["+", "-", "*", "/"]),
    st.integers(-20, 20),
    st.integers(-1, 2),
)
def test_only_valid_challenges_are_generated(a, op, b, blank):
    challenge = Challenge(a, op, b, blank)
    assert (challenge in captcha.all_challenges()) == captcha.is_valid(challenge)
    if captcha.is_valid(challenge):
        assert challenge.result >= 1


def test_challenge_pool_covers_all_operators_and_both_blanks():
    pool = captcha.all_challenges()
    assert len(pool) == 2 * (81 + 36 + 81)
    assert {(c.op, c.blank) for c in pool} == {(op, b) for op in "+-*" for b in (0, 1)}
    assert max(c.result for c in pool) == 81 and min(c.result for c in pool) == 1


@given(st.text(min_size=1, max_size=30))
def test_challenge_is_derived_from_nonce_deterministically(nonce):
    assert captcha.challenge_for_nonce(nonce) == captcha.challenge_for_nonce(nonce)
    assert captcha.challenge_for_nonce(nonce) in captcha.all_challenges()


@given(CHALLENGES, LANGUAGES)
def test_rendered_text_shows_blank_digit_and_words(challenge, language):
    text = challenge.text(language)
    assert text.count("[ ]") == 1
    assert str(challenge.shown_operand()) in text
    assert text.endswith("= " + captcha.number_words(challenge.result, language))
    assert str(challenge.answer) not in text.split("=")[1]


def test_example_from_the_issue():
    assert Challenge(3, "*", 9, 0).text("ru") == "[ ] × 9 = двадцать семь"
    assert Challenge(5, "+", 6, 0).text("ru") == "[ ] + 6 = одиннадцать"
    assert Challenge(8, "-", 3, 1).text("kk") == "8 − [ ] = бес"


# --- words ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_words_are_spelled_correctly_for_every_possible_result(language):
    for n in sorted(possible_results() | set(range(0, 100))):
        assert captcha.number_words(n, language) == spell(n, language), n


@given(st.integers(0, 100), LANGUAGES)
def test_words_round_trip(n, language):
    assert captcha.parse_answer(captcha.number_words(n, language)) == n


@given(st.integers(1, 9), LANGUAGES, st.sampled_from([str.upper, str.title, str.strip]))
def test_answer_in_words_tolerates_case_spacing_and_hyphens(n, language, change):
    words = captcha.number_words(n, language)
    assert captcha.parse_answer(change(f"  {words} ")) == n
    assert captcha.parse_answer(words.replace(" ", "-")) == n


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("7", 7),
        (" 07 ", 7),
        ("７", 7),  # full-width digit from a phone keyboard
        ("семь", 7),
        ("Сёмь".replace("ё", "е"), 7),
        ("жети", 7),  # Kazakh typed on a Russian keyboard (і → и)
        ("тогыз", 9),
        ("Twenty-Seven", 27),
        ("twenty seven", 27),
        ("одна", 1),
        ("две", 2),
        ("жиырма жеті", 27),
        ("", None),
        ("seven!", 7),
        ("sevn", None),
        ("1e3", None),
        ("9" * 70, None),
    ],
)
def test_parse_answer_examples(typed, value):
    assert captcha.parse_answer(typed) == value


def test_word_table_has_no_ambiguous_entries():
    seen: dict[str, int] = {}
    for language in ("ru", "kk", "en"):
        for n in captcha.WORD_RANGE:
            key = captcha.normalise_words(captcha.number_words(n, language))
            assert seen.setdefault(key, n) == n, key


@given(st.text(max_size=80))
def test_parse_answer_never_raises(text):
    value = captcha.parse_answer(text)
    assert value is None or isinstance(value, int)


# --- tokens -----------------------------------------------------------------------------------


@given(st.integers(1, 10**9), st.booleans())
def test_token_round_trip(statement_id, retry):
    token = captcha.issue_token(statement_id, retry=retry)
    parsed = captcha.read_token(token, statement_id)
    assert parsed.statement_id == statement_id and parsed.retry == retry


@given(st.text(max_size=300))
def test_forged_tokens_are_refused(junk):
    with pytest.raises(TokenError) as info:
        captcha.read_token(junk, 1)
    assert info.value.code == "invalid"


@given(st.data())
def test_tampered_tokens_are_refused_or_decode_identically(data):
    token = captcha.issue_token(7)
    original = captcha.read_token(token, 7)
    i = data.draw(st.integers(0, len(token) - 1))
    ch = data.draw(st.sampled_from("AZaz09-_:x"))
    tampered = token[:i] + ch + token[i + 1 :]
    try:
        parsed = captcha.read_token(tampered, 7)
    except TokenError:
        return
    # base64 ignores the unused low bits of a last character: same bytes, same token.
    assert parsed == original


def test_token_payload_edited_and_resigned_with_another_key_is_refused():
    token = captcha.issue_token(7)
    payload = signing.loads(token, salt=captcha.TOKEN_SALT)
    forged = signing.dumps(payload, key="not the site key", salt=captcha.TOKEN_SALT)
    other_salt = signing.dumps(payload, salt="another.form")
    for bad in (forged, other_salt):
        with pytest.raises(TokenError):
            captcha.read_token(bad, 7)


def test_token_for_another_statement_is_refused():
    with pytest.raises(TokenError):
        captcha.read_token(captcha.issue_token(7), 8)


@given(st.integers(1, 10 * 24 * 3600))
def test_expired_tokens_are_refused(extra_age):
    issued = captcha.now() - captcha.conf.token_max_age() - extra_age
    token = captcha.issue_token(3, issued=issued)
    with pytest.raises(TokenError) as info:
        captcha.read_token(token, 3)
    assert info.value.code == "expired"


def test_token_from_the_future_is_refused():
    token = captcha.issue_token(3, issued=captcha.now() + 3600)
    with pytest.raises(TokenError):
        captcha.read_token(token, 3)


def test_answer_is_not_readable_from_the_token():
    token, challenge = captcha.fresh(5)
    payload = signing.loads(token, salt=captcha.TOKEN_SALT)
    assert set(payload) == {"n", "s", "t", "r"}


@pytest.mark.django_db
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 1000))
def test_a_token_is_accepted_once(statement_id):
    token = captcha.issue_token(statement_id, issued=captcha.now() - 60)
    answer = str(captcha.read_token(token, statement_id).challenge.answer)
    assert captcha.check(token, statement_id, answer).statement_id == statement_id
    with pytest.raises(TokenError) as info:
        captcha.check(token, statement_id, answer)
    assert info.value.code == "reused"


@pytest.mark.django_db
def test_a_wrong_answer_also_spends_the_token():
    token = captcha.issue_token(1)
    right = captcha.read_token(token, 1).challenge.answer
    with pytest.raises(captcha.WrongAnswer):
        captcha.check(token, 1, str(right % 9 + 1))
    with pytest.raises(TokenError):
        captcha.check(token, 1, str(right))


@pytest.mark.django_db
def test_answer_in_words_is_accepted():
    token = captcha.issue_token(1)
    right = captcha.read_token(token, 1).challenge.answer
    assert captcha.check(token, 1, captcha.number_words(right, "kk"))
