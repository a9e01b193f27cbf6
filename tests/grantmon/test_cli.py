"""The grantmon command: clear errors for a bad database setting, idempotent seeding."""

import os
import subprocess
import sys

import pytest


def grantmon(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """Run the grantmon command in a child process, as a user would."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "grantmon.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "url, expected",
    [
        ("not a url", "DATABASE_URL is not a usable database URL"),
        (
            "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "Cannot reach the database in DATABASE_URL",
        ),
        ("oracle://scott@localhost/x", "DATABASE_URL is not a usable database URL"),
    ],
)
def test_bad_database_url_gives_one_clear_line(url, expected):
    result = grantmon("db", "upgrade", database_url=url)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_seed_demo_twice_reports_nothing_added_the_second_time(database_url):
    first = grantmon("seed", "--demo", database_url=database_url)
    second = grantmon("seed", "--demo", database_url=database_url)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    total = first.stdout.split(",")[1]
    assert second.stdout.startswith("Seeded: 0 rows added")
    assert second.stdout.split(",")[1] == total


def test_run_refuses_a_public_address_without_sign_in(tmp_path):
    result = grantmon("run", "--address", "0.0.0.0", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
    assert "refusing to serve on 0.0.0.0 without sign-in" in result.stderr


def without_default_database(cwd) -> dict[str, str]:
    """The environment of a user with no DATABASE_URL whose default data folder is `cwd`/data."""
    named = {"DATABASE_URL", "GRANTMON_DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in named}
    return {**env, "GRANTMON_DATA_DIR": str(cwd / "data")}


def test_a_named_database_is_used_and_no_default_one_is_created(tmp_path):
    named = tmp_path / "named.db"
    for command in (["db", "upgrade"], ["seed"], ["users", "list"], ["backup", "copy.db"]):
        result = subprocess.run(
            [sys.executable, "-m", "grantmon.cli", "--database", f"sqlite:///{named}", *command],
            env=without_default_database(tmp_path),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, (command, result.stderr)
        assert not (tmp_path / "data").exists(), command
    assert "Backed up" in result.stdout and (tmp_path / "copy.db").exists()
