"""The console mail backend of the demo and of debugging, without addresses in clear.

Django's console backend prints whole messages to stdout, which ends up in the server log:
every commenter who asked for reply notifications would be listed there. This one masks
the addresses in the headers and in the body (``anna@example.org`` → ``a…@e….org``).
"""

from __future__ import annotations

import re

from django.core.mail.backends.console import EmailBackend

EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-])[\w.-]*(\.[A-Za-z]{2,})\b")


def mask(text: str) -> str:
    return EMAIL.sub(r"\1…@\2…\3", text)


class MaskedConsoleEmailBackend(EmailBackend):
    """Headers and decoded text parts, addresses masked (also inside base64/quoted-printable)."""

    def write_message(self, message):
        msg = message.message()
        lines = [f"{name}: {mask(str(value))}" for name, value in msg.items()]
        for part in msg.walk():
            if part.get_content_maintype() != "text":
                continue
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            lines += ["", mask(payload.decode(charset, errors="replace"))]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
