"""Administrators give and withdraw access on the Users screen; nobody else has it."""

import pytest
from sqlmodel import Session

from grantmon.services.core.access import LOCAL_ACTOR
from grantmon.services.core.tokens import holder_of
from grantmon.services.core.users import actor_for_email
from tests.pages.apptest import run_page
from tests.pages.visible_text import as_read
from tests.services.test_sessions import WITHDRAWN, check, live_sign_in

PAGE = "pages/users_admin.py"


def press(app, label: str):
    next(b for b in app.button if b.label == label).click()
    return app.run()


def test_an_administrator_gives_access_and_the_person_can_sign_in(app_database):
    app = run_page(PAGE)
    next(i for i in app.text_input if i.label == "Email").input("Nadia@Embassy.gov")
    next(s for s in app.selectbox if s.label == "Role").set_value("donor")
    press(app, "Give access")
    assert not app.exception
    assert "nadia@embassy.gov can now sign in." in [as_read(s.value) for s in app.success]
    with Session(app_database) as session:
        actor = actor_for_email(session=session, actor=LOCAL_ACTOR, email="nadia@embassy.gov")
    assert actor is not None and actor.role == "donor"


def test_a_bad_address_is_refused_in_plain_words(app_database):
    app = run_page(PAGE)
    next(i for i in app.text_input if i.label == "Email").input("not an address")
    press(app, "Give access")
    assert "'not an address' is not an email address" in [as_read(e.value) for e in app.error]


def test_withdrawing_access_removes_the_person_and_ends_their_sign_ins(app_database):
    still_signed_in = [live_sign_in(app_database, "viewer@example.org", n) for n in range(2)]
    app = run_page(PAGE)
    next(s for s in app.selectbox if s.label == "Email").set_value("viewer@example.org")
    press(app, "Withdraw access")
    emails = list(app.dataframe[0].value["Email"])
    assert "viewer@example.org" not in emails and "donor@example.org" in emails
    assert "their open sessions have ended" in app.success[0].value
    assert [check(app_database, claims) for claims in still_signed_in] == [WITHDRAWN] * 2


@pytest.mark.parametrize("reader", ["manager.iom@example.org", "donor@example.org"])
def test_only_administrators_have_the_users_screen(app_database, reader):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_page(PAGE, view_as=reader)


def test_a_manager_without_a_partner_is_refused_unless_all_partners_is_chosen(app_database):
    app = run_page(PAGE)
    next(i for i in app.text_input if i.label == "Email").input("pm@iom.int")
    next(s for s in app.selectbox if s.label == "Role").set_value("programme manager")
    press(app, "Give access")
    assert any("give the partner" in e.value for e in app.error)
    next(i for i in app.text_input if i.label == "Email").input("pm@iom.int")
    next(s for s in app.selectbox if s.label == "Role").set_value("programme manager")
    next(s for s in app.selectbox if s.label.startswith("Partner")).set_value("*")
    press(app, "Give access")
    assert "pm@iom.int can now sign in." in [as_read(s.value) for s in app.success]
    shown = app.dataframe[0].value
    assert list(shown[shown["Email"] == "pm@iom.int"]["Partner"]) == ["All partners"]


def test_an_administrator_issues_a_token_shown_once_then_revokes_it(app_database):
    app = run_page(PAGE)
    next(s for s in app.selectbox if s.key == "token-email").set_value("donor@example.org")
    press(app, "Issue a token")
    assert not app.exception
    shown = [c.value for c in app.code]
    assert len(shown) == 1 and shown[0].startswith("gmt_")
    with Session(app_database) as session:
        holder = holder_of(session, shown[0])
    assert holder is not None and holder.actor.role == "donor"
    tokens = app.dataframe[-1].value
    assert list(tokens["Email"]) == ["donor@example.org"] and list(tokens["State"]) == ["active"]
    app.run()
    assert not app.code  # never shown again
    assert next(s for s in app.selectbox if s.label == "Token").value is None
    press(app, "Revoke the token")
    assert "Choose the token to revoke." in [as_read(e.value) for e in app.error]
    assert list(app.dataframe[-1].value["State"]) == ["active"]
    next(s for s in app.selectbox if s.label == "Token").set_value(holder.token_id)
    press(app, "Revoke the token")
    assert list(app.dataframe[-1].value["State"]) == ["revoked"]
    with Session(app_database) as session:
        assert holder_of(session, shown[0]) is None


def test_a_bad_token_lifetime_is_refused_in_plain_words(app_database):
    app = run_page(PAGE)
    next(i for i in app.text_input if i.label.startswith("Valid for")).input("5 years")
    press(app, "Issue a token")
    assert "'5 years' is not a token lifetime" in as_read(app.error[0].value)
    assert not app.code and app.dataframe[-1].value.empty


def test_a_new_person_starts_as_a_viewer_limited_to_no_region(app_database):
    app = run_page(PAGE)
    assert next(s for s in app.selectbox if s.label == "Role").value == "viewer"
    region = next(s for s in app.selectbox if s.label.startswith("Region"))
    assert region.value == "" and region.options[0] == "All regions"
    assert len(region.options) == 13 and "Casablanca-Settat (MA-06)" in region.options


def test_a_region_is_chosen_by_its_name_and_stored_by_its_code(app_database):
    app = run_page(PAGE)
    next(i for i in app.text_input if i.label == "Email").input("pm@iom.int")
    next(s for s in app.selectbox if s.label == "Role").set_value("programme manager")
    next(s for s in app.selectbox if s.label.startswith("Partner")).set_value("IOM")
    next(s for s in app.selectbox if s.label.startswith("Region")).set_value("MA-06")
    press(app, "Give access")
    with Session(app_database) as session:
        actor = actor_for_email(session=session, actor=LOCAL_ACTOR, email="pm@iom.int")
    assert actor is not None and actor.region_code == "MA-06"


def test_withdrawing_access_starts_on_nobody_and_a_bare_click_withdraws_nobody(app_database):
    app = run_page(PAGE)
    before = list(app.dataframe[0].value["Email"])
    assert next(s for s in app.selectbox if s.label == "Email").value is None
    press(app, "Withdraw access")
    assert "Choose the person whose access to withdraw." in [as_read(e.value) for e in app.error]
    assert list(app.dataframe[0].value["Email"]) == before and not app.success
