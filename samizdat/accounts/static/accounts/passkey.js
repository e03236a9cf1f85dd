// After a passkey is registered, go on to the recovery codes (no inline script: strict CSP).
document.addEventListener("otp_webauthn.register_complete", function () {
  var target = document.getElementById("accounts-after-passkey");
  if (target) {
    window.location.assign(target.dataset.next);
  }
});
