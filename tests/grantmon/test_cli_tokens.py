"""`grantmon tokens add|list|revoke` and `grantmon export iati`, as an administrator runs them."""

from lxml import etree
from sqlmodel import Session

from data_model.db import make_engine
from grantmon.services.core.tokens import holder_of
from grantmon.services.publication.iati import activity_schema
from tests.grantmon.test_cli import grantmon


def test_a_token_is_issued_listed_and_revoked(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert grantmon("seed", "--demo", database_url=url).returncode == 0
    added = grantmon("tokens", "add", "Donor@Example.org", "--expires", "30d", database_url=url)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("gmt_") and " " not in token
    engine = make_engine(url)
    with Session(engine) as session:
        holder = holder_of(session, token)
    assert holder is not None and holder.actor.role == "donor"
    listed = grantmon("tokens", "list", database_url=url).stdout.splitlines()
    assert listed[0].startswith(f"{holder.token_id}\tdonor@example.org\tdonor\tactive")
    assert token not in "\n".join(listed)
    assert grantmon("tokens", "revoke", str(holder.token_id), database_url=url).returncode == 0
    assert "\trevoked\t" in grantmon("tokens", "list", database_url=url).stdout
    with Session(engine) as session:
        assert holder_of(session, token) is None
    again = grantmon("tokens", "revoke", str(holder.token_id), database_url=url)
    assert again.returncode == 2 and "no live token" in again.stderr
    engine.dispose()


def test_bad_token_requests_get_one_line_and_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    grantmon("seed", "--demo", database_url=url)
    for args, text in [
        (("nobody@example.org",), "has no access"),
        (("donor@example.org", "--expires", "2y"), "is not a token lifetime"),
        (("donor@example.org", "--expires", "400d"), "is not a token lifetime"),
    ]:
        result = grantmon("tokens", "add", *args, database_url=url)
        assert result.returncode == 2 and text in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "gmt_" not in result.stdout
    assert grantmon("tokens", "list", database_url=url).stdout == ""


def test_a_provider_that_is_not_configured_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    grantmon("seed", database_url=url)
    result = grantmon(
        "users", "add", "a@embassy.gov", "--role", "donor", "--provider", "embassy",
        database_url=url,
    )  # fmt: skip
    assert result.returncode == 2 and "Unknown identity provider 'embassy'" in result.stderr


def test_export_iati_writes_a_file_that_validates(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    grantmon("seed", "--demo", database_url=url)
    out = tmp_path / "award.xml"
    result = grantmon("export", "iati", "--out", str(out), database_url=url)
    assert result.returncode == 0, result.stderr
    assert activity_schema().validate(etree.parse(str(out)))
    refused = grantmon("export", "iati", "--out", str(tmp_path / "a.csv"), database_url=url)
    assert refused.returncode == 2 and not (tmp_path / "a.csv").exists()
