"""Run in a subprocess with its own settings (``DJANGO_SETTINGS_MODULE``/environment): make a
throwaway test database, build a small site through the lifecycle, fetch pages with the test
client and print what was seen as JSON for the calling test to check.

``python -m samizdat.core.tests.probe <test-db-name> <language> [<language> …]``: one statement
per language, linked as translations, and a comment-free page set.
"""

from __future__ import annotations

import json
import re
import sys


def fetch(client, url: str) -> dict:
    response = client.get(url)
    body = b"".join(response) if response.streaming else response.content
    return {"status": response.status_code, "body": body.decode("utf-8", "replace")}


def main(db_name: str, codes: list[str]) -> dict:
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = db_name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from samizdat.publishing.models import Statement
        from samizdat.publishing.tests.factories import link, make_section, make_statement

        if apps.is_installed("samizdat.authenticity"):  # a key, so statements get signed
            from samizdat.authenticity import keys

            keys.generate_site_key(None, demo=True)
        section = make_section("analysis", names={"ru": "Анализ", codes[-1]: "Аналіз"})
        made = {
            code: make_statement(
                title=f"Заява про заборону партії {code}",
                language=code,
                section=section,
                slug=f"statement-{code}",
                summary="Сьогодні влада заборонила партію.",
            )
            for code in codes
        }
        link(made[codes[0]], *(made[c] for c in codes[1:]))
        client = Client()
        code = codes[-1]
        pages = {
            "home": f"/{code}/",
            "section": f"/{code}/analysis/",
            "statement": made[code].get_absolute_url(),
            "search": f"/{code}/search/?q=заборон&lang={code}",
            "search_all": f"/{code}/search/?q=партії&lang=all",
            "atom": f"/{code}/feeds/atom.xml",
            "json": f"/{code}/feeds/feed.json",
            "sitemap": "/sitemap.xml",
            "robots": "/robots.txt",
            "unknown_language": "/xx/",
            "default_statement": made[codes[0]].get_absolute_url(),
            "comments_post": f"/{code}/comments/{made[code].pk}/",
            "statement_txt": made[code].get_absolute_url() + "statement.txt",
        }
        result = {name: fetch(client, url) for name, url in pages.items()}
        result["installed"] = [a.name for a in apps.get_app_configs()]
        result["statement_urls"] = {c: s.get_absolute_url() for c, s in made.items()}
        result["public"] = sorted(Statement.objects.published().values_list("language", flat=True))
        if apps.is_installed("samizdat.discussion"):
            from samizdat.discussion import captcha

            result["captcha_words"] = [captcha.number_words(n, code) for n in range(0, 82)]
            result["captcha_parses"] = captcha.parse_answer(captcha.number_words(7, code))
        if apps.is_installed("samizdat.search"):
            from samizdat.search.models import SearchDocument

            result["search_configs"] = dict(
                SearchDocument.objects.values_list("language", "config")
            )
        result["vendor"] = connection.vendor
        return result
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def titles(html: str) -> list[str]:
    return re.findall(r"<h2><a [^>]*>([^<]*)</a></h2>", html)


if __name__ == "__main__":
    print("PROBE-RESULT " + json.dumps(main(sys.argv[1], sys.argv[2:]), ensure_ascii=False))
