"""Demo content: an invented movement, its sections, statements in three languages and pages.

Everything here was written for this project. Loading is idempotent: records are found by
slug and updated, so running ``samizdat demo`` twice leaves one copy.
"""

from __future__ import annotations

import io
import math
from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from samizdat import languages

from . import lifecycle
from .images import process_upload
from .models import Image, Page, Section, Statement, Tag

ISSUER = {
    "ru": "Политический совет движения «Ашық Дала»",
    "kk": "«Ашық Дала» қозғалысының Саяси кеңесі",
    "en": "Political Council of the Open Steppe Movement",
}

SECTIONS = [
    ("statements", "Заявления", "Мәлімдемелер", "Statements"),
    ("analysis", "Анализ", "Талдау", "Analysis"),
    ("news", "Новости", "Жаңалықтар", "News"),
]

TAGS = {
    "elections": {"ru": "выборы", "kk": "сайлау", "en": "elections"},
    "press-freedom": {"ru": "свобода прессы", "kk": "баспасөз бостандығы", "en": "press freedom"},
    "labour": {"ru": "труд", "kk": "еңбек", "en": "labour"},
    "water": {"ru": "вода", "kk": "су", "en": "water"},
}

# (group key, section, days ago, tags, image key, {language: (slug, title, summary, body)})
STATEMENTS: list[tuple] = [
    (
        "party-ban",
        "statements",
        1,
        ["elections"],
        "steppe",
        {
            "ru": (
                "o-zaprete-partii",
                "О запрете партии «Ашық Дала»",
                "Суд удовлетворил иск министерства. Мы продолжаем работу.",
                "Вчера районный суд по иску министерства юстиции **запретили партию**, "
                "которую мы строили шесть лет. Решение принято за одно заседание, без "
                "наших свидетелей и без доступа адвокатов к материалам дела.\n\n"
                "Мы не признаём этого решения и обжалуем его во всех инстанциях. "
                "Движение продолжает работу: наши местные группы собираются, как прежде, "
                "а этот сайт остаётся открытым.\n\n"
                "## Что мы просим сделать\n\n"
                "1. Рассказать о решении суда тем, кто не читает новостей в сети.\n"
                "2. Сохранить копию этого сайта: она работает даже с флешки.\n"
                "3. Проверять подпись под нашими заявлениями — от нашего имени уже "
                "распространяют подделки.\n",
            ),
            "kk": (
                "partiyaga-tyiym",
                "«Ашық Дала» партиясына тыйым салу туралы",
                "Сот министрліктің талабын қанағаттандырды. Біз жұмысты жалғастырамыз.",
                "Кеше аудандық сот әділет министрлігінің талабы бойынша біз алты жыл "
                "бойы құрған партияға **тыйым салды**. Шешім бір отырыста, біздің "
                "куәгерлерсіз және адвокаттарға іс материалдарын көрсетпей қабылданды.\n\n"
                "Біз бұл шешімді мойындамаймыз және барлық сатыда шағымданамыз. "
                "Қозғалыс жұмысын жалғастырады: жергілікті топтарымыз бұрынғыдай "
                "жиналады, ал бұл сайт ашық қалады.\n\n"
                "## Біз не сұраймыз\n\n"
                "1. Сот шешімі туралы желіде жаңалық оқымайтындарға айтыңыз.\n"
                "2. Осы сайттың көшірмесін сақтаңыз: ол флешкадан да ашылады.\n"
                "3. Мәлімдемелеріміздегі қолтаңбаны тексеріңіз — біздің атымыздан "
                "жалған мәтіндер тарап жүр.\n",
            ),
            "en": (
                "on-the-party-ban",
                "On the ban of the Open Steppe party",
                "The court granted the ministry's claim. Our work goes on.",
                "Yesterday a district court, on a claim by the Ministry of Justice, "
                "**banned the party** we have built for six years. The decision took one "
                "hearing, with none of our witnesses heard and no access for our lawyers "
                "to the case file.\n\n"
                "We do not recognise the decision and will appeal it at every level. "
                "The movement continues: our local groups meet as before, and this site "
                "stays open.\n\n"
                "## What we ask of you\n\n"
                "1. Tell people who do not read news online about the ruling.\n"
                "2. Keep a copy of this site: it works even from a USB stick.\n"
                "3. Check the signature under our statements — forgeries in our name "
                "are already circulating.\n",
            ),
        },
    ),
    (
        "regional-elections",
        "analysis",
        4,
        ["elections"],
        "chart",
        {
            "ru": (
                "itogi-regionalnyh-vyborov",
                "Итоги региональных выборов: что показали протоколы",
                "Мы сверили 1 214 копий протоколов с данными комиссии.",
                "Наблюдатели движения собрали копии 1 214 протоколов участковых "
                "комиссий в трёх областях. В 312 из них итоговые цифры на сайте "
                "комиссии расходятся с подписанной копией.\n\n"
                "> Расхождение в одну-две строки можно объяснить ошибкой. Расхождение "
                "в каждом четвёртом протоколе — нельзя.\n\n"
                "Полная таблица расхождений опубликована в разделе «Анализ». Мы "
                "приглашаем журналистов и юристов проверить её самостоятельно.\n",
            ),
            "kk": (
                "aymaqtyq-saylau-qorytyndysy",
                "Аймақтық сайлау қорытындысы: хаттамалар не көрсетті",
                "Біз хаттамалардың 1 214 көшірмесін комиссия деректерімен салыстырдық.",
                "Қозғалыс бақылаушылары үш облыстағы учаскелік комиссиялардың "
                "1 214 хаттамасының көшірмесін жинады. Олардың 312-сінде комиссия "
                "сайтындағы қорытынды сандар қол қойылған көшірмеден өзгеше.\n\n"
                "> Бір-екі жолдағы айырмашылықты қатемен түсіндіруге болады. Әр "
                "төртінші хаттамадағы айырмашылықты — болмайды.\n\n"
                "Айырмашылықтардың толық кестесі «Талдау» бөлімінде жарияланды. "
                "Журналистер мен заңгерлерді оны өздері тексеруге шақырамыз.\n",
            ),
            "en": (
                "regional-election-results",
                "Regional election results: what the protocols show",
                "We compared 1,214 copies of protocols with the commission's data.",
                "The movement's observers collected copies of 1,214 precinct "
                "protocols in three regions. In 312 of them the totals on the "
                "commission's website differ from the signed copy.\n\n"
                "> A difference in a line or two can be an error. A difference in "
                "every fourth protocol cannot.\n\n"
                "The full table of differences is published in the Analysis section. "
                "We invite journalists and lawyers to check it for themselves.\n",
            ),
        },
    ),
    (
        "water-tariffs",
        "analysis",
        9,
        ["water"],
        None,
        {
            "ru": (
                "tarify-na-vodu",
                "Почему тарифы на воду выросли втрое",
                "Разбор отчётности городского водоканала за пять лет.",
                "За пять лет тариф на холодную воду в областном центре вырос в три "
                "раза, а потери в сетях остались на уровне 40 %. Мы прочитали "
                "отчётность водоканала и нашли, куда уходят деньги.\n\n"
                "Две трети роста пришлись на «услуги управляющей компании», "
                "зарегистрированной за месяц до первого повышения.\n",
            ),
            "en": (
                "why-water-tariffs-tripled",
                "Why water tariffs tripled",
                "A reading of the city water utility's accounts over five years.",
                "In five years the cold-water tariff in the regional capital tripled, "
                "while losses in the pipes stayed at 40%. We read the utility's "
                "accounts and found where the money goes.\n\n"
                "Two thirds of the rise went to “management services” from a company "
                "registered one month before the first increase.\n",
            ),
        },
    ),
    (
        "miners-strike",
        "news",
        2,
        ["labour"],
        None,
        {
            "ru": (
                "solidarnost-s-shahterami",
                "Солидарность с бастующими шахтёрами",
                "Движение поддерживает требования профсоюза шахты «Көмір-7».",
                "Третью неделю шахтёры «Көмір-7» не спускаются в забой. Они требуют "
                "выплатить долги по зарплате и вернуть уволенных профсоюзных "
                "активистов.\n\n"
                "Мы собираем средства для семей бастующих. Реквизиты фонда "
                "солидарности — на странице «Контакты».\n",
            ),
            "kk": (
                "sahtyorlarmen-yntymaq",
                "Ереуілдегі кеншілермен ынтымақ",
                "Қозғалыс «Көмір-7» шахтасы кәсіподағының талаптарын қолдайды.",
                "«Көмір-7» кеншілері үшінші апта бойы шахтаға түспей отыр. Олар "
                "жалақы қарызын төлеуді және жұмыстан шығарылған кәсіподақ "
                "белсенділерін қайтаруды талап етеді.\n\n"
                "Біз ереуілшілердің отбасыларына қаражат жинап жатырмыз. Ынтымақ "
                "қорының деректемелері «Байланыс» бетінде.\n",
            ),
        },
    ),
    (
        "press-day",
        "news",
        12,
        ["press-freedom"],
        None,
        {
            "ru": (
                "den-svobody-pressy",
                "День свободы прессы: три закрытые редакции за год",
                "Мы помним коллег, чьи издания закрыли в этом году.",
                "За год в стране закрыли три независимые редакции, двое журналистов "
                "находятся под арестом. Мы публикуем их имена и адреса, куда можно "
                "писать письма.\n",
            ),
            "en": (
                "press-freedom-day",
                "Press Freedom Day: three newsrooms closed in a year",
                "We remember colleagues whose outlets were shut this year.",
                "In one year three independent newsrooms in the country were closed, "
                "and two journalists are in detention. We publish their names and the "
                "addresses where letters can be sent.\n",
            ),
        },
    ),
    (
        "budget",
        "analysis",
        20,
        [],
        None,
        {
            "ru": (
                "byudzhet-na-sleduyushchiy-god",
                "Бюджет на следующий год: меньше школ, больше охраны",
                "Расходы на образование сокращены на 8 %, на охрану порядка — выросли.",
                "Проект бюджета сокращает расходы на строительство школ на 8 % и "
                "увеличивает финансирование охраны порядка на 23 %. Мы сравнили "
                "статьи с прошлогодними.\n\n"
                "| Статья | Было | Стало |\n|---|---|---|\n"
                "| Школы | 100 | 92 |\n| Охрана порядка | 100 | 123 |\n",
            ),
        },
    ),
]

PAGES = {
    "about": {
        "ru": (
            "О движении",
            "«Ашық Дала» — гражданское движение, основанное в 2020 году. Мы выступаем "
            "за честные выборы, независимый суд и свободу слова.\n\n"
            "Все заявления на этом сайте подписаны ключом движения.",
        ),
        "kk": (
            "Қозғалыс туралы",
            "«Ашық Дала» — 2020 жылы құрылған азаматтық қозғалыс. Біз адал сайлау, "
            "тәуелсіз сот және сөз бостандығы үшін күресеміз.\n\n"
            "Бұл сайттағы барлық мәлімдемеге қозғалыстың кілтімен қол қойылған.",
        ),
        "en": (
            "About the movement",
            "Open Steppe is a civic movement founded in 2020. We stand for fair "
            "elections, independent courts and freedom of speech.\n\n"
            "Every statement on this site is signed with the movement's key.",
        ),
    },
    "contacts": {
        "ru": (
            "Контакты",
            "Пишите нам на адрес press@open-steppe.example. Для чувствительных "
            "сообщений используйте зашифрованную почту.",
        ),
        "kk": (
            "Байланыс",
            "Бізге press@open-steppe.example мекенжайына жазыңыз. Құпия хабарлар "
            "үшін шифрланған поштаны қолданыңыз.",
        ),
        "en": (
            "Contacts",
            "Write to us at press@open-steppe.example. For sensitive messages please "
            "use encrypted mail.",
        ),
    },
}

IMAGE_TEXT = {
    "steppe": (
        "Рисунок: степь на рассвете, над горизонтом встаёт солнце",
        "Иллюстрация движения «Ашық Дала»",
    ),
    "chart": (
        "Столбчатая диаграмма: доля протоколов с расхождениями по трём областям",
        "Доля протоколов с расхождениями, по областям",
    ),
}


def _draw_steppe(width: int = 1600, height: int = 900) -> bytes:
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.62)
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)], fill=(int(40 + 200 * t), int(60 + 120 * t), int(120 - 40 * t))
        )
    draw.ellipse([width * 0.6, horizon - 140, width * 0.6 + 220, horizon + 80], fill=(250, 200, 90))
    for y in range(horizon, height):
        t = (y - horizon) / (height - horizon)
        draw.line(
            [(0, y), (width, y)], fill=(int(150 - 60 * t), int(130 - 50 * t), int(60 - 20 * t))
        )
    for i in range(0, width, 40):
        h = 20 + 15 * math.sin(i / 57)
        draw.line([(i, height), (i + 10, height - h)], fill=(90, 80, 40), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _draw_chart(width: int = 1200, height: int = 700) -> bytes:
    image = PILImage.new("RGB", (width, height), (250, 248, 242))
    draw = ImageDraw.Draw(image)
    draw.line([(100, 620), (1120, 620)], fill=(40, 40, 40), width=3)
    for i, share in enumerate((0.31, 0.22, 0.24)):
        x = 220 + i * 300
        draw.rectangle([x, 620 - int(share * 1500), x + 160, 620], fill=(155, 28, 28))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _image(key: str) -> Image:
    alt, caption = IMAGE_TEXT[key]
    existing = Image.objects.filter(alt=alt).first()
    if existing:
        return existing
    data = _draw_steppe() if key == "steppe" else _draw_chart()
    processed = process_upload(data, f"demo-{key}.png")
    return Image.objects.create(
        file=processed["path"],
        alt=alt,
        caption=caption,
        width=processed["width"],
        height=processed["height"],
        variants=processed["variants"],
    )


def _statement(language: str, slug: str, **fields) -> Statement:
    """The demo statement at (language, slug), with ``fields`` set but not yet saved."""
    statement = Statement.objects.filter(language=language, slug=slug).first()
    statement = statement or Statement(language=language, slug=slug)
    for name, value in fields.items():
        setattr(statement, name, value)
    return statement


@transaction.atomic
def load_demo(stdout: TextIO | None = None) -> str:
    """Create or update the demo content; return a one-line summary."""
    sections = {}
    for order, (slug, ru, kk, en) in enumerate(SECTIONS):
        sections[slug], _ = Section.objects.update_or_create(
            slug=slug, defaults={"names": {"ru": ru, "kk": kk, "en": en}, "order": order}
        )
    tags = {}
    for slug, names in TAGS.items():
        for language, name in names.items():
            tag_slug = slug if language == "en" else f"{slug}-{language}"
            tags[(slug, language)], _ = Tag.objects.update_or_create(
                slug=tag_slug, defaults={"name": name}
            )
    now = timezone.now()
    count = 0
    for _key, section, days, tag_keys, image_key, versions in STATEMENTS:
        image = _image(image_key) if image_key else None
        first = None
        for language, (slug, title, summary, body) in versions.items():
            if not languages.is_enabled(language):  # a site without this language
                continue
            statement = _statement(
                language,
                slug,
                title=title,
                section=sections[section],
                issuer=ISSUER[language],
                summary=summary,
                body=body,
                lead_image=image,
            )
            lifecycle.publish(
                statement, at=now.replace(minute=0, second=0, microsecond=0) - timedelta(days=days)
            )
            statement.tags.set([tags[(k, language)] for k in tag_keys])
            if first is None:
                first = statement
            else:  # no-op when already linked
                lifecycle.link_translation(first, statement)
            count += 1
    # One statement scheduled for tomorrow: it appears by itself when its time comes.
    if languages.is_enabled("ru"):
        scheduled = _statement(
            "ru",
            "zayavlenie-k-godovshchine",
            title="Заявление к годовщине движения",
            section=sections["statements"],
            issuer=ISSUER["ru"],
            summary="Опубликуется автоматически в назначенное время.",
            body="Пять лет назад несколько десятков человек собрались в степи под Алматы.",
        )
        lifecycle.schedule(scheduled, now + timedelta(days=1))
    for order, (slug, versions) in enumerate(PAGES.items()):
        for language, (title, body) in versions.items():
            if not languages.is_enabled(language):
                continue
            Page.objects.update_or_create(
                language=language,
                slug=slug,
                defaults={"title": title, "body": body, "order": order},
            )
    summary = (
        f"Demo content: {len(sections)} sections, {count} published statements "
        f"(+1 scheduled), {Image.objects.count()} images, {Page.objects.count()} pages."
    )
    if stdout:
        stdout.write(summary + "\n")
    return summary
