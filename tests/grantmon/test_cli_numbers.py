"""Numbers on the command line are read as on the screens: '1_0' is not ten, 1e400 not a count."""

import pytest

from grantmon.cli.commands import build_parser


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["seed", "--scale", "1_0"], "contains '_'"),
        (["seed", "--scale", "1e400"], "exponent"),
        (["seed", "--scale", "99999999999999999999"], "too large"),
        (["seed", "--random-seed", "²"], "is not a number"),
        (["bench", "--runs", "0"], "too small"),
        (["run", "--port", "70000"], "too large"),
    ],
)
def test_a_number_option_out_of_reach_is_refused_with_its_message(argv, words, capsys):
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2
    assert words in capsys.readouterr().err


def test_plain_numbers_are_read():
    assert build_parser().parse_args(["seed", "--scale", "10", "--random-seed", "7"]).scale == 10
