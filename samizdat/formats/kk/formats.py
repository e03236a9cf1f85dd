# Django ships no Kazakh date formats; without these, dates fall back to English order.
DATE_FORMAT = "j F Y ж."
DATETIME_FORMAT = "j F Y ж. H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
