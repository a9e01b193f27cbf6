"""The screens, who may open them, and the sidebar menu of what this person's role allows."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from data_model import Role
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.settings import PROJECT_ROOT

PAGES = PROJECT_ROOT / "pages"


def everyone(actor: Actor) -> bool:
    """Every signed-in role may open this screen."""
    return True


def data_entry(actor: Actor) -> bool:
    """Administrators and programme managers."""
    return actor.enters_data


def review(actor: Actor) -> bool:
    """Those who submit, approve or reopen quarters."""
    return actor.role in (Role.ADMIN, Role.ME_OFFICER, Role.MANAGER)


def administrators(actor: Actor) -> bool:
    """Administrators only."""
    return actor.role == Role.ADMIN


@dataclass(frozen=True)
class Screen:
    """One page: its file under pages/, title, icon, menu section and who may open it."""

    name: str
    title: str
    icon: str
    section: str
    allowed: Callable[[Actor], bool] = everyone


def screens() -> list[Screen]:
    """Every screen of the dashboard, in menu order."""
    monitor, entry, admin = t("Monitor"), t("Data entry"), t("Administration")
    return [
        Screen("overview", t("Overview"), "dashboard", monitor),
        Screen("milestones", t("Activities and milestones"), "event_available", monitor),
        Screen("regions", t("Regions and centres"), "map", monitor),
        Screen("reintegration", t("Reintegration outcomes"), "diversity_3", monitor),
        Screen("results", t("Results framework"), "table_chart", monitor),
        Screen("budget", t("Budget"), "payments", monitor),
        Screen("briefing", t("Briefing pack and exports"), "download", monitor),
        Screen("update_milestones", t("Update milestones"), "edit", entry, data_entry),
        Screen("enter_results", t("Quarterly results"), "edit_note", entry, data_entry),
        Screen("enter_spending", t("Expenditures"), "receipt_long", entry, data_entry),
        Screen("enter_centres", t("Centres and occupancy"), "home_work", entry, data_entry),
        Screen("enter_reintegration", t("Reintegration figures"), "groups", entry, data_entry),
        Screen("import_data", t("Import and export"), "upload_file", entry, data_entry),
        Screen("quarter_review", t("Quarterly review"), "fact_check", entry, review),
        Screen("audit_log", t("Audit log"), "history", admin, administrators),
        Screen("users_admin", t("Users"), "manage_accounts", admin, administrators),
    ]


def _not_allowed(title: str) -> Callable[[], None]:
    def not_allowed() -> None:
        st.title(title)
        st.error(
            t("Not allowed: your role does not give access to this screen."),
            icon=":material/block:",
        )

    return not_allowed


def _page(screen: Screen, actor: Actor, default: bool) -> Any:
    icon = f":material/{screen.icon}:"
    if screen.allowed(actor):
        return st.Page(
            PAGES / f"{screen.name}.py",  # found whichever script Streamlit was started with
            title=screen.title,
            icon=icon,
            url_path=screen.name,
            default=default,
        )
    # A restricted screen opened by its URL says so and shows nothing else.
    return st.Page(
        _not_allowed(screen.title),
        title=screen.title,
        icon=icon,
        url_path=screen.name,
        default=default,
    )


def navigation(actor: Actor, menu: Any) -> Any:
    """Register every screen, and draw in `menu` the links to those the actor may open."""
    all_screens = screens()
    pages = [_page(s, actor, default=i == 0) for i, s in enumerate(all_screens)]
    nav = st.navigation(pages, position="hidden")
    with menu:
        section = None
        for screen, page in zip(all_screens, pages, strict=True):
            if not screen.allowed(actor):
                continue
            if screen.section != section:
                section = screen.section
                st.caption(section)
            st.page_link(page, label=screen.title, icon=f":material/{screen.icon}:")
    return nav


def screen_link(name: str) -> None:
    """A link to another screen, named by its title ("See Budget")."""
    title = next(screen.title for screen in screens() if screen.name == name)
    st.page_link(
        str(PAGES / f"{name}.py"),
        label=t("See {screen}", screen=title),
        icon=":material/arrow_forward:",
    )
