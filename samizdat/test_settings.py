"""Test settings: the real settings with an in-memory cache and a throwaway media dir."""

import os
import tempfile
from pathlib import Path

from samizdat import firstrun

firstrun.active = True  # the suite needs no key file; it sets its own key below
from samizdat.settings import *  # noqa: E402, F403

firstrun.active = False
SECRET_KEY = "test-only-secret-key-not-for-any-site-0123456789abcdefghijklmnop"
# Commands the tests run in subprocesses get the same key (tests of the key file drop it).
os.environ.setdefault("SAMIZDAT_SECRET_KEY", SECRET_KEY)
# Plain names in tests (the deploy test checks the hashed, collected names).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

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
