"""Settings of bench.http's server: the site's own, plus a bare "hello" view (the ceiling)."""

from samizdat.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
