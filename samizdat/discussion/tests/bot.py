"""A test robot that reads the WordCaptcha like a determined spam bot would.

It parses the page, reads the number words with num2words tables and computes the blank, so
the tests can measure what the other layers still stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from samizdat.discussion.captcha import parse_answer


@dataclass
class Form:
    action: str
    token: str
    equation: str
    html: str
    status: int

    @property
    def answer(self) -> int:
        return solve(self.equation)


def solve(equation: str) -> int:
    """``"[ ] × 9 = двадцать семь"`` → 3 (the equation text as shown on the page)."""
    m = re.match(r"^\s*(\[ \]|\d+)\s*([+\u2212\u00d7])\s*(\[ \]|\d+)\s*=\s*(.+?)\s*$", equation)
    if not m:
        raise ValueError(f"cannot read {equation!r}")
    left, op, right, words = m.groups()
    result = parse_answer(words)
    known = int(right if left == "[ ]" else left)
    if op == "+":
        return result - known
    if op == "\u00d7":
        return result // known
    return result + known if left == "[ ]" else known - result


def read_form(html: str, status: int = 200) -> Form | None:
    doc = lxml.html.fromstring(html)
    forms = doc.xpath('//form[@id="comment-form"]')
    if not forms:
        return None
    form = forms[0]
    eq = form.xpath('.//span[@class="equation"]')[0]
    parts = []
    for node in eq.iter():
        if node.tag == "input":
            parts.append("[ ]")
            parts.append(node.tail or "")
        elif node is eq:
            parts.append(node.text or "")
    equation = " ".join("".join(parts).split())
    token = form.xpath('.//input[@name="token"]/@value')[0]
    return Form(form.get("action"), token, equation, html, status)


class Bot:
    def __init__(self, client, clock):
        self.client = client
        self.clock = clock

    def open(self, url: str, **extra) -> Form:
        response = self.client.get(url, **extra)
        assert response.status_code == 200, response.status_code
        form = read_form(response.content.decode(), response.status_code)
        assert form is not None, "no comment form on the page"
        return form

    def post(
        self,
        form: Form,
        *,
        wait: float = 10,
        answer: str | int | None = None,
        extra: dict | None = None,
        **fields,
    ):
        """Wait (on the fake clock), then post the form with the solved answer."""
        self.clock.advance(wait)
        data = {"name": "Бот", "email": "", "text": "Текст", "website": "", "token": form.token}
        data.update(fields)
        data["answer"] = str(form.answer if answer is None else answer)
        return self.client.post(form.action.split("#")[0], data, **(extra or {}))

    def comment(self, url: str, *, wait: float = 10, **fields):
        return self.post(self.open(url), wait=wait, **fields)
