"""`grantmon users add|list|remove` as an administrator would run them."""

from tests.grantmon.test_cli import grantmon


def test_add_list_and_remove_a_user(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert grantmon("seed", database_url=url).returncode == 0
    added = grantmon(
        "users",
        "add",
        "Amina@IOM.int",
        "--role",
        "programme manager",
        "--partner",
        "IOM",
        "--region",
        "MA-04",
        database_url=url,
    )
    assert added.returncode == 0, added.stderr
    listed = grantmon("users", "list", database_url=url).stdout
    assert "amina@iom.int\tprogramme manager\tIOM MA-04" in listed
    assert grantmon("users", "remove", "amina@iom.int", database_url=url).returncode == 0
    assert "amina@iom.int" not in grantmon("users", "list", database_url=url).stdout


def test_bad_input_gets_one_line_and_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    grantmon("seed", database_url=url)
    bad_email = grantmon("users", "add", "not-an-email", "--role", "donor", database_url=url)
    bad_region = grantmon(
        "users", "add", "a@b.org", "--role", "donor", "--region", "MA-13", database_url=url
    )
    for result, text in [(bad_email, "is not an email address"), (bad_region, "Unknown region")]:
        assert result.returncode == 2 and text in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_manager_needs_a_partner_or_all_partners_said_explicitly(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    grantmon("seed", database_url=url)
    manager = ("users", "add", "m@iom.int", "--role", "programme manager")
    refused = grantmon(*manager, database_url=url)
    assert refused.returncode == 2 and "give the partner" in refused.stderr
    assert "m@iom.int" not in grantmon("users", "list", database_url=url).stdout
    assert grantmon(*manager, "--all-partners", database_url=url).returncode == 0
    listed = grantmon("users", "list", database_url=url).stdout
    assert "m@iom.int\tprogramme manager\tall partners" in listed
