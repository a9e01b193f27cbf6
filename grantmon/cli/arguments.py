"""Numbers given on the command line, checked as every entered number is."""

import argparse
from collections.abc import Callable

from grantmon.i18n import t
from grantmon.services.core.entry_rules import NumberRange, parse_number


def whole_number(most: int, least: int = 0) -> Callable[[str], int]:
    """An argparse type: a whole number from `least` to `most` ('1_0' or '1e3' are refused)."""
    allowed = NumberRange(most, least=least)

    def parse(text: str) -> int:
        try:
            number = parse_number(text, allowed)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from error
        if number is None:
            raise argparse.ArgumentTypeError(t("Enter {accepted}.", accepted=allowed.accepted()))
        return int(number)

    return parse


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """`--database URL`: the database to use instead of the configured one."""
    # Left out of the namespace when not given, so a subcommand's own --database (bench)
    # cannot blank the one given before the subcommand.
    parser.add_argument(
        "--database",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="database URL (default: DATABASE_URL, else data/grantmon.db)",
    )


SCALE = whole_number(1000)  # generated blocks: 1,000 is some 12 million result rows
SEED = whole_number(2**31 - 1)
