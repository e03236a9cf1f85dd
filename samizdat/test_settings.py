"""Test settings: the real settings with an in-memory cache and a throwaway media dir."""

import tempfile
from pathlib import Path

from samizdat.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="samizdat-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="samizdat-test-static-"))
# No signing key unless a test makes one (a developer's ./data/keys must not sign test data).
SIGNING_KEY_DIR = Path(tempfile.mkdtemp(prefix="samizdat-test-keys-"))
SIGNING_KEY_PASSPHRASE = ""
# Tasks run at once in the general suite (mail lands in mail.outbox); the queue's own tests
# switch to the database backend and run `samizdat worker`.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
