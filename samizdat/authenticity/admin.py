"""Signing in the admin: "Publish and sign", "Re-sign" and offline signing on statements.

The statement admin of ``publishing`` is extended from here (publishing knows nothing of
signatures). Every signing view needs a session that passed its second factor
(django-otp's ``request.user.is_verified()``); without it they refuse (fail closed).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samizdat.publishing.admin import StatementAdmin
from samizdat.publishing.models import Statement

from . import audit, keys, minisign, offline, signing
from .forms import OfflineSignatureForm, SignForm
from .models import StatementSignature

PUBLISH, RESIGN = "publish", "resign"
MAX_BATCH = 200


@admin.register(StatementSignature)
class StatementSignatureAdmin(admin.ModelAdmin):
    """Signatures are made by signing, never edited: a read-only list for editors to check."""

    list_display = ("statement", "key_id", "signed_at", "trusted_comment")
    list_select_related = ("statement",)
    list_filter = ("key_id",)
    search_fields = ("statement__title", "key_id")
    readonly_fields = (
        "statement",
        "trusted_comment",
        "text",
        "text_sha256",
        "minisig",
        "key_id",
        "url",
        "signed_at",
    )

    @admin.display(description=gettext_lazy("trusted comment"))
    def trusted_comment(self, obj: StatementSignature) -> str:
        """What the signer put under the signature (checked to name the URL and date)."""
        try:
            return minisign.Signature.from_file(obj.minisig).trusted_comment.decode("utf-8")
        except (minisign.MinisignError, UnicodeDecodeError):
            return "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def second_factor_passed(request) -> bool:
    """True only when django-otp says this session passed its second factor."""
    check = getattr(request.user, "is_verified", None)
    return callable(check) and check() is True


def _mode(request) -> str:
    return RESIGN if request.GET.get("mode") == RESIGN else PUBLISH


class SigningStatementAdmin(StatementAdmin):
    actions = [*StatementAdmin.actions, "publish_and_sign", "resign"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((gettext_lazy("Signature"), {"fields": ["signature_status"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "signature_status"]

    @admin.display(description=gettext_lazy("signature"))
    def signature_status(self, obj: Statement) -> str:
        signature = StatementSignature.objects.filter(statement=obj).first()
        if signature is None:
            state = _("Not signed.")
        else:
            code, _reason = signing.signature_state(obj, signature)
            state = {
                signing.CURRENT: _("Signed by key %(key)s; the signature fits the text."),
                signing.STALE: _("Stale: the text changed after it was signed; re-sign it."),
                signing.UNTRUSTED: _("Untrusted: key %(key)s was revoked; re-sign it."),
            }[code] % {"key": signature.key_id}
        mode = RESIGN if signing.should_be_signed(obj) else PUBLISH
        label = _("Re-sign") if mode == RESIGN else _("Publish and sign")
        sign = reverse("admin:authenticity_sign") + f"?mode={mode}&ids={obj.pk}"
        off = reverse("admin:authenticity_sign_offline", args=[obj.pk]) + f"?mode={mode}"
        return format_html(
            '{} <a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            state,
            sign,
            label,
            off,
            _("Sign offline"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("sign/", view(self.sign_view), name="authenticity_sign"),
            path(
                "<int:pk>/sign-offline/",
                view(self.offline_view),
                name="authenticity_sign_offline",
            ),
            path(
                "<int:pk>/sign-offline/statement.txt",
                view(self.offline_text_view),
                name="authenticity_offline_text",
            ),
        ] + super().get_urls()

    @admin.action(description=gettext_lazy("Publish now (unsigned)"), permissions=["change"])
    def publish_now(self, request, queryset):
        """publishing's action, with a reminder that it signs nothing."""
        super().publish_now(request, queryset)
        if keys.site_public_key() is not None:
            self.message_user(
                request,
                _("Published without a signature: use “Publish and sign” to sign."),
                messages.WARNING,
            )

    # -- actions: both lead to the sign page, where the passphrase is asked for ---------------

    def _to_sign_page(self, request, queryset, mode: str):
        if not second_factor_passed(request):
            self.message_user(request, refusal_message(), messages.ERROR)
            return None
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:MAX_BATCH])
        return HttpResponseRedirect(f"{reverse('admin:authenticity_sign')}?mode={mode}&ids={ids}")

    @admin.action(description=gettext_lazy("Publish and sign"), permissions=["change"])
    def publish_and_sign(self, request, queryset):
        return self._to_sign_page(request, queryset, PUBLISH)

    @admin.action(description=gettext_lazy("Re-sign"), permissions=["change"])
    def resign(self, request, queryset):
        return self._to_sign_page(request, queryset, RESIGN)

    # -- views --------------------------------------------------------------------------------

    def _refused(self, request) -> TemplateResponse | None:
        if not self.has_change_permission(request):
            return self._page(request, "authenticity/admin/refused.html", {}, status=403)
        if not second_factor_passed(request):
            audit.record(
                "signing.refused", actor=request.user, request=request, reason="no second factor"
            )
            context = {"message": refusal_message()}
            return self._page(request, "authenticity/admin/refused.html", context, status=403)
        return None

    def _page(self, request, template: str, context: dict, status: int = 200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Sign statements"),
            **context,
        }
        return TemplateResponse(request, template, context, status=status)

    def _statements(self, request) -> list[Statement]:
        raw = (request.POST.get("ids") or request.GET.get("ids") or "").split(",")
        ids = [int(x) for x in raw[:MAX_BATCH] if x.strip().isdigit()]
        return list(Statement.objects.filter(pk__in=ids).select_related("section").order_by("pk"))

    def sign_view(self, request):
        refused = self._refused(request)
        if refused:
            return refused
        asked = request.POST.get("mode") or request.GET.get("mode")
        mode = RESIGN if asked == RESIGN else PUBLISH
        statements = self._statements(request)
        has_key = keys.secret_key_path().exists()
        form = SignForm(request.POST or None)
        context = {
            "statements": statements,
            "mode": mode,
            "form": form,
            "has_key": has_key,
            "needs_passphrase": has_key and keys.needs_passphrase(),
            "ids": ",".join(str(s.pk) for s in statements),
        }
        if request.method != "POST" or not statements or not has_key or not form.is_valid():
            return self._page(request, "authenticity/admin/sign.html", context)
        try:
            key = keys.editor_signing_key(form.cleaned_data["passphrase"])
        except minisign.PassphraseError:
            audit.record(
                "signing.passphrase_refused",
                actor=request.user,
                request=request,
                statements=[s.pk for s in statements],
            )
            form.add_error("passphrase", _("Wrong or missing passphrase; nothing was signed."))
            return self._page(request, "authenticity/admin/sign.html", context, status=400)
        except minisign.MinisignError as exc:
            form.add_error(None, _("The signing key cannot be used: %(error)s") % {"error": exc})
            return self._page(request, "authenticity/admin/sign.html", context, status=400)
        done = 0
        for statement in statements:
            try:
                signing.sign_with_key(statement, key, publish=mode == PUBLISH, actor=request.user)
                audit.record(
                    "statement.signed",
                    actor=request.user,
                    obj=statement,
                    request=request,
                    key_id=key.id,
                    mode=mode,
                )
                done += 1
            except signing.SigningError as exc:
                self.message_user(request, f"{statement}: {exc}", messages.ERROR)
        del key
        self.message_user(
            request,
            ngettext("%d statement signed.", "%d statements signed.", done) % done,
            messages.SUCCESS if done else messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:publishing_statement_changelist"))

    def _offline_request(self, statement, mode: str, date_text: str | None):
        date = offline.parse_date(date_text) if date_text else None
        return offline.offline_request(statement, mode == PUBLISH, date)

    def offline_view(self, request, pk: int):
        refused = self._refused(request)
        if refused:
            return refused
        statement = get_object_or_404(Statement.objects.select_related("section"), pk=pk)
        mode = _mode(request)
        form = OfflineSignatureForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["signature"]
            data = upload.read(offline.MAX_SIGNATURE_BYTES + 1)
            try:
                offline.accept_offline_signature(
                    statement,
                    data,
                    publish=mode == PUBLISH,
                    date_text=form.cleaned_data["date"],
                    actor=request.user,
                )
            except signing.SigningError as exc:
                audit.record(
                    "signature.upload_refused",
                    actor=request.user,
                    obj=statement,
                    request=request,
                    reason=str(exc),
                )
                form.add_error("signature", _("Signature refused: %(reason)s") % {"reason": exc})
                status = 400
            else:
                audit.record(
                    "signature.uploaded",
                    actor=request.user,
                    obj=statement,
                    request=request,
                    key_id=statement.signature.key_id,
                )
                self.message_user(
                    request, _("The signature was verified and stored."), messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:publishing_statement_change", args=[statement.pk])
                )
        elif request.method == "POST":
            status = 400
        date_text = form.data.get("date") if form.is_bound else None
        try:
            wanted = self._offline_request(statement, mode, date_text)
        except signing.SigningError as exc:
            return self._page(
                request, "authenticity/admin/refused.html", {"message": str(exc)}, status=400
            )
        if not form.is_bound:
            form = OfflineSignatureForm(initial={"date": wanted.date_text})
        context = {
            "statement": statement,
            "mode": mode,
            "form": form,
            "wanted": wanted,
            "site_key": keys.site_public_key(),
            "download": reverse("admin:authenticity_offline_text", args=[statement.pk])
            + f"?mode={mode}&date={wanted.date_text}",
        }
        return self._page(request, "authenticity/admin/sign_offline.html", context, status=status)

    def offline_text_view(self, request, pk: int):
        refused = self._refused(request)
        if refused:
            return refused
        statement = get_object_or_404(Statement.objects.select_related("section"), pk=pk)
        try:
            wanted = self._offline_request(statement, _mode(request), request.GET.get("date"))
        except signing.SigningError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        response = HttpResponse(wanted.text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="statement.txt"'
        return response


def refusal_message() -> str:
    return _(
        "Signing needs a session that passed two-factor sign-in. Sign out and sign in again "
        "with your second factor."
    )


if admin.site.is_registered(Statement):
    admin.site.unregister(Statement)
admin.site.register(Statement, SigningStatementAdmin)
