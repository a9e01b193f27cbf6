"""`grantmon run` refuses what binds beyond this machine without sign-in; `grantmon users
remove` lets go of a browser that is still signed in."""

from data_model.db import make_engine
from tests.grantmon.test_cli import grantmon
from tests.services.test_sessions import WITHDRAWN, check, live_sign_in


def test_run_refuses_an_empty_address_which_binds_every_interface(tmp_path):
    result = grantmon("run", "--address", "", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
    assert "refusing to serve on 0.0.0.0 without sign-in" in result.stderr


def test_users_remove_ends_the_persons_open_sign_ins(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert grantmon("seed", "--demo", database_url=url).returncode == 0
    engine = make_engine(url)
    signed_in = live_sign_in(engine, "viewer@example.org", 1)
    assert grantmon("users", "remove", "viewer@example.org", database_url=url).returncode == 0
    assert check(engine, signed_in) == WITHDRAWN
    engine.dispose()
