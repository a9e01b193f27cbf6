"""One translation function for every user-facing text, in each person's own language.

The French text lives in `grantmon/locale/fr/LC_MESSAGES/grantmon.po`, read with Babel when first
needed: the catalogue in the repository is what is served, with no compile step to forget.
The language is chosen per person (a browser session, a command), never for the whole process:
`use_language` sets it for the code that runs inside it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from babel.messages.pofile import read_po

from grantmon.settings import get_settings

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "grantmon"
SOURCE_LANGUAGE = "en"
# Each language named in itself, as a language switch shows it.
LANGUAGES = {"en": "English", "fr": "Français"}

T = TypeVar("T")
_LANGUAGE: ContextVar[str | None] = ContextVar("grantmon_language", default=None)


def catalogue_path(language: str) -> Path:
    """Where the translations of one language are kept."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> dict[str, str]:
    """Every finished translation of a language, by English message (fuzzy ones left out)."""
    path = catalogue_path(language)
    if language == SOURCE_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as po:
        catalogue = read_po(po, locale=language, domain=DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in catalogue
        if message.id and message.string and not message.fuzzy
    }


def default_language() -> str:
    """The language of the installation (GRANTMON_LOCALE), English if it is not one we speak."""
    configured = get_settings().locale.strip().lower().replace("-", "_").split("_")[0]
    return configured if configured in LANGUAGES else SOURCE_LANGUAGE


def current_language() -> str:
    """The language of the person being served now."""
    return _LANGUAGE.get() or default_language()


def known_language(value: object) -> str | None:
    """'fr' or 'en' from a value such as 'fr', 'FR' or 'fr-CA'; None for anything else."""
    code = str(value or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Speak this language to the code run inside the block."""
    token = _LANGUAGE.set(known_language(language) or default_language())
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def set_language(language: str) -> None:
    """Speak this language for the rest of the current run (a script run, a command)."""
    _LANGUAGE.set(known_language(language) or default_language())


def t(message: str, /, **values: object) -> str:
    """Translate an English message to the current language and fill its {placeholders}."""
    text = translations(current_language()).get(message, message)
    return text.format(**values) if values else text


def N_(message: str, /) -> str:  # the name gettext tools know
    """Mark a message for translation where it is defined; `t` translates it where it is shown."""
    return message


@dataclass(frozen=True)
class Lazy:
    """A message translated each time it is shown, for text defined once at import time."""

    message: str
    values: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return t(self.message, **dict(self.values))


def lazy(message: str, /, **values: Any) -> Lazy:
    """A message to translate when it is shown, in the language of whoever it is shown to."""
    return Lazy(message, tuple(values.items()))


def browser_language(accept_language: str) -> str | None:
    """The most wanted language of an Accept-Language header that we speak, or None."""
    wanted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, parameters = part.strip().partition(";")
        weight = parameters.strip().removeprefix("q=") if parameters.strip() else "1"
        try:
            quality = float(weight)
        except ValueError:
            continue
        if quality > 0 and known_language(tag):
            wanted.append((-quality, position, known_language(tag)))
    return min(wanted)[2] if wanted else None


def in_current_language(make: Callable[[], T]) -> Callable[[], T]:
    """`make`, to be called later (a file made when its button is clicked), in today's language."""
    language = current_language()

    def made() -> T:
        with use_language(language):
            return make()

    return made
