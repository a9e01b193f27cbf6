"""One translation function for every user-facing text (gettext catalogues)."""

import gettext
from functools import lru_cache
from pathlib import Path

from grantmon.settings import get_settings

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@lru_cache(maxsize=8)
def _catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation("grantmon", LOCALE_DIR, languages=[locale], fallback=True)


def t(message: str, /, **values: object) -> str:
    """Translate an English message to the configured locale and fill its {placeholders}."""
    text = _catalogue(get_settings().locale).gettext(message)
    return text.format(**values) if values else text
