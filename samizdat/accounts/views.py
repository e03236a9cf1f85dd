"""Sign-in pages after the password step: verify, enrol, recovery codes, sign out.

Thin views; the logic is in :mod:`factors` and :mod:`throttle`."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import audit, factors
from .forms import CodeForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _to(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _context(request, **extra):
    from django.contrib import admin

    return {**admin.site.each_context(request), "next": _next(request), **extra}


# The sign-in pages hold secrets (TOTP secret, recovery codes): the strictest policy the pages
# allow, whatever the rest of the admin sends. Passkey scripts are our own static files.
STRICT_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def strict_csp(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = STRICT_CSP
        return response

    return wrapper


def staff_required(view):
    return staff_member_required(strict_csp(never_cache(view)), login_url="admin:login")


@staff_required
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not factors.is_enrolled(user):
        return redirect(_to("accounts:enrol", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = factors.pass_with_code(request, form.cleaned_data["code"])
        except ValidationError as refused:
            form.add_error("code", refused)
        else:
            if method == "recovery":
                messages.warning(request, _("A recovery code was used; make new ones soon."))
            return redirect(_next(request))
    context = _context(
        request, form=form, title=_("Second step"), has_passkey=factors.has_passkey(user)
    )
    return render(request, "accounts/verify.html", context)


@staff_required
def enrol(request):
    """TOTP (QR code, secret as text, otpauth URI) or a passkey; the first device of an
    account, or another one once the session is verified."""
    user = request.user
    if factors.is_enrolled(user) and not user.is_verified():
        return redirect(_to("accounts:verify", request))
    device = factors.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            factors.enrol_totp(request, device, form.cleaned_data["code"])
        except ValidationError as refused:
            form.add_error("code", refused)
        else:
            if factors.has_recovery_codes(user):  # another device: the printed codes stay
                messages.success(request, _("The authenticator app is set up."))
                return redirect(_next(request))
            return _show_codes(request, factors.make_recovery_codes(user))
    uri = device.config_url
    context = _context(
        request,
        form=form,
        title=_("Set up a second factor"),
        secret=factors.totp_secret(device),
        uri=uri,
        qr=factors.qr_svg(uri),
        after_passkey=_to("accounts:codes", request),
    )
    return render(request, "accounts/enrol.html", context)


def _show_codes(request, codes):
    audit.record("2fa.recovery_codes", actor=request.user, count=len(codes))
    return render(
        request,
        "accounts/codes.html",
        _context(request, codes=codes, title=_("Recovery codes")),
    )


@staff_required
def codes(request):
    """New recovery codes (POST), shown once; GET offers them (made at once if none exist)."""
    user = request.user
    if not user.is_verified():
        return redirect(_to("accounts:verify", request))
    if request.method == "POST" or not factors.has_recovery_codes(user):
        return _show_codes(request, factors.make_recovery_codes(user))
    return render(
        request, "accounts/codes.html", _context(request, codes=None, title=_("Recovery codes"))
    )


@require_POST
def sign_out(request):
    logout(request)
    return redirect("admin:login")
