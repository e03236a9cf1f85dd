"""The comment form: fields, invisible-character cleaning, captcha and timing checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import captcha, conf, spam
from .models import Comment
from .text import strip_invisible

CAPTCHA_ERRORS = {
    "invalid": _("The form could not be checked. Here is a new example; your text is kept."),
    "expired": _("The form has expired. Here is a new example; your text is kept."),
    "reused": _("This form was already sent once. Here is a new example; your text is kept."),
    "wrong": _("The answer is not right. Here is a new example; your text is kept."),
    "empty": _("Please fill in the missing number (in digits or in words)."),
}
INVISIBLE_ERROR = _(
    "We removed invisible control or text-direction characters from this field. "
    "Please check it and send again."
)
TOO_FAST_ERROR = _("That was very fast. Please check your comment and send it again.")


class CommentForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=conf.MAX_NAME_LENGTH,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("The name is too long (at most %(limit_value)d characters)."),
        },
    )
    email = forms.EmailField(
        label=_("Email (optional, never shown)"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("This email address does not look right."),
            "max_length": _("The email address is too long."),
        },
    )
    text = forms.CharField(
        label=_("Comment"),
        max_length=conf.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 40}),
        error_messages={
            "required": _("Please write a comment."),
            "max_length": _(
                "The comment is too long: %(show_value)d characters, at most %(limit_value)d."
            ),
        },
    )
    notify = forms.BooleanField(label=_("Email me when someone replies"), required=False)
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    answer = forms.CharField(required=False, max_length=60)
    website = forms.CharField(required=False)  # the honeypot

    def __init__(self, data=None, *, statement=None, **kwargs):
        self.statement = statement
        self.removed_invisible: dict[str, int] = {}
        self.token_info: captcha.Token | None = None
        self.parent_comment: Comment | None = None
        if data is not None:
            data = data.copy()
            for field_name, multiline in (("name", False), ("email", False), ("text", True)):
                value = data.get(field_name)
                if isinstance(value, str):
                    cleaned, removed = strip_invisible(value, multiline=multiline)
                    data[field_name] = cleaned
                    if removed:
                        self.removed_invisible[field_name] = removed
        super().__init__(data, **kwargs)

    def _no_invisible(self, field_name: str):
        if self.removed_invisible.get(field_name):
            raise forms.ValidationError(INVISIBLE_ERROR, code="invisible")
        return self.cleaned_data[field_name]

    def clean_name(self) -> str:
        return self._no_invisible("name")

    def clean_email(self) -> str:
        return self._no_invisible("email")

    def clean_text(self) -> str:
        return self._no_invisible("text")

    def clean_parent(self) -> Comment | None:
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = (
            Comment.objects.approved()
            .filter(pk=parent_id, statement=self.statement)
            .select_related(None)
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                _("The comment you are replying to is no longer available."), code="parent"
            )
        if parent.depth >= conf.MAX_DEPTH - 1 and parent.parent_id:
            # Threads stop at the depth limit: a reply there joins its parent's thread.
            parent = Comment.objects.get(pk=parent.parent_id)
        self.parent_comment = parent
        return parent

    def clean(self):
        data = super().clean()
        if data.get("notify") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter your email to be told about replies."))
        try:
            self.token_info = captcha.check(
                self.data.get("token", ""), self.statement.pk, self.data.get("answer", "")
            )
        except captcha.TokenError as error:
            self.add_error("answer", forms.ValidationError(CAPTCHA_ERRORS[error.code], error.code))
        except captcha.WrongAnswer as error:
            self.add_error("answer", forms.ValidationError(CAPTCHA_ERRORS[error.code], error.code))
        else:
            if spam.too_fast(self.token_info.issued, self.token_info.min_seconds()):
                self.add_error(None, forms.ValidationError(TOO_FAST_ERROR, code="too_fast"))
        return data

    def error_codes(self) -> set[str]:
        """All error codes on the form (tests and the bot statistics read these)."""
        return {e.code or "" for errors in self.errors.as_data().values() for e in errors}
