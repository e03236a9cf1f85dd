"""Django format modules (``FORMAT_MODULE_PATH``), filled from the language registry.

``samizdat.languages.install_format_modules()`` registers ``samizdat.formats.<code>.formats``
for each enabled language whose registry entry carries ``formats``.
"""
