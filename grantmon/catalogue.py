"""Keep the French catalogue in step with the code: `python -m grantmon.catalogue`.

Extracts every message the code marks (t, N_, lazy) with Babel, updates
grantmon/locale/fr/LC_MESSAGES/grantmon.po (new messages added empty, messages no longer in the
code dropped, translations kept) and reports what is left to translate. The test suite fails
until every message has a finished translation with the same {placeholders}.
"""

import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from grantmon.i18n import DOMAIN, catalogue_path
from grantmon.settings import PROJECT_ROOT

KEYWORDS = {"t": None, "N_": None, "lazy": None}
# Where the interface's text lives: the package, the screens and the entry script.
METHOD_MAP = [
    ("grantmon/**.py", "python"),
    ("pages/**.py", "python"),
    ("dashboard.py", "python"),
]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
TRANSLATED = ("fr",)
HEADER = (
    "# The grant monitor's interface in French, written by hand.\n"
    "# After changing messages in the code: python -m grantmon.catalogue"
)


def extracted(root: Path = PROJECT_ROOT) -> Catalog:
    """Every message marked in the code, with where it is used."""
    template = Catalog(domain=DOMAIN, project="grantmon", charset="utf-8")
    found = extract_from_dir(
        str(root),
        METHOD_MAP,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, line, message, comments, context in found:
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def stored(language: str) -> Catalog:
    """The catalogue of a language as kept in the repository (empty if there is none yet)."""
    path = catalogue_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="grantmon")
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def update(language: str) -> Catalog:
    """Bring a language's catalogue in step with the code and write it back."""
    catalogue = stored(language)
    template = extracted()
    template.creation_date = catalogue.creation_date  # no date churn in the file's history
    catalogue.update(template, no_fuzzy_matching=True)
    catalogue.obsolete.clear()  # messages the code no longer uses
    catalogue.fuzzy = False
    catalogue.header_comment = HEADER
    catalogue.project, catalogue.version = "grantmon", version("grantmon")
    catalogue.msgid_bugs_address = ""
    catalogue.last_translator = catalogue.language_team = "grant monitor"
    path = catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        # File names without line numbers: an edit elsewhere in a file changes nothing here.
        write_po(po, catalogue, width=100, include_lineno=False)
    return catalogue


def placeholders(text: str) -> list[str]:
    """The {placeholders} of a message, in order, with their format specs."""
    return sorted(PLACEHOLDER.findall(text))


@dataclass(frozen=True)
class Problems:
    """What stops a catalogue from serving the whole interface."""

    total: int
    missing: list[str]
    fuzzy: list[str]
    mismatched: list[str]

    @property
    def translated_share(self) -> float:
        """Share of the code's messages with a finished, well-formed translation."""
        bad = set(self.missing) | set(self.fuzzy) | set(self.mismatched)
        return (self.total - len(bad)) / self.total if self.total else 1.0


def problems(language: str) -> Problems:
    """Messages of the code with no translation, a fuzzy one, or other placeholders."""
    kept = stored(language)
    missing, fuzzy, mismatched = [], [], []
    messages = [str(m.id) for m in extracted() if m.id]
    for message in messages:
        entry = kept.get(message)
        if entry is None or not entry.string:
            missing.append(message)
        elif entry.fuzzy:
            fuzzy.append(message)
        elif placeholders(message) != placeholders(str(entry.string)):
            mismatched.append(message)
    return Problems(len(messages), missing, fuzzy, mismatched)


def main() -> int:
    """Update every catalogue and say what is left to translate."""
    worst = 1.0
    for language in TRANSLATED:
        update(language)
        found = problems(language)
        worst = min(worst, found.translated_share)
        print(f"{language}: {found.total} messages, {found.translated_share:.1%} translated")
        for kind, messages in (
            ("untranslated", found.missing),
            ("fuzzy", found.fuzzy),
            ("placeholders differ", found.mismatched),
        ):
            for message in messages:
                print(f"  {kind}: {message!r}")
    return 0 if worst == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
