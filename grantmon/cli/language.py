"""The --lang option of the commands that write files people read."""

import argparse

from grantmon.i18n import LANGUAGES


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """--lang en|fr: the language of the file's words and figures (default GRANTMON_LOCALE)."""
    parser.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        help="language of the file: en or fr (default: GRANTMON_LOCALE, else en)",
    )
