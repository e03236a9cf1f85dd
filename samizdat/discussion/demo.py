"""A few invented demo comments (the Open Steppe Movement), added once per language."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from samizdat.publishing.models import Statement

from .models import Comment

DEMO = {
    "ru": [
        ("Айгерим", "Спасибо за ясное заявление. Распечатала и отнесла соседям."),
        ("Марат", "А будет ли текст на казахском? Хочу переслать родителям.", 0),
        ("Редакция «Ашық Дала»", "Да, перевод уже на сайте — ссылка вверху страницы.", 1),
    ],
    "kk": [
        ("Ерлан", "Мәлімдеме үшін рақмет. Ауылдағы туыстарыма жібердім."),
        ("Сәуле", "Келесі жиналыс қашан болады?", 0),
    ],
    "en": [
        ("Dana", "Thank you for publishing this in English as well."),
        (
            "Open Steppe editors",
            "You are welcome — all our statements appear in three languages.",
            0,
        ),
    ],
}


def load_demo_comments() -> str:
    """Add approved demo comments to the newest statement in each language, once."""
    added = 0
    for language, entries in DEMO.items():
        statement = Statement.objects.published().in_language(language).for_listing().first()
        if statement is None or Comment.objects.filter(statement=statement).exists():
            continue
        created: list[Comment] = []
        for i, (name, text, *parent) in enumerate(entries):
            parent_comment = created[parent[0]] if parent else None
            created.append(
                Comment.objects.create(
                    statement=statement,
                    parent=parent_comment,
                    depth=parent_comment.depth + 1 if parent_comment else 0,
                    language=language,
                    name=name,
                    text=text,
                    status=Comment.Status.APPROVED,
                    created_at=min(timezone.now(), statement.published_at + timedelta(hours=2 + i)),
                )
            )
            added += 1
    return f"Demo comments: {added} added."
