"""Every screen, for every role that may open it, speaks French: no English word of the
interface is left, and nothing breaks. What people typed (titles, names, notes) stays as written.
"""

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from grantmon.i18n import t, use_language
from grantmon.services.core.access import Actor
from grantmon.ui.navigation import screens
from grantmon.vocabulary import WORDS
from tests.conftest import forget_app_caches
from tests.e2e.conftest import seeded_database
from tests.pages.apptest import run_page
from tests.pages.test_every_role import ROLES
from tests.pages.visible_text import as_read, visible_texts

# The interface's own English words: none may show on a French screen (whole words, as cased).
ENGLISH = [
    "Overview", "Download", "Funds spent", "Milestones late", "Alerts", "Region", "Partner",
    "Status", "Quarter", "Filters", "Indicator", "Milestone", "Component", "Victims",
    "Reintegration", "Activities", "Results", "Spending", "Spent", "Save", "Sign out",
    "Language", "Target", "Actual", "Baseline", "Period", "Value", "Comment", "Reason", "Who",
    "When", "Figures", "Breakdown", "People", "Beds", "Users", "Audit log", "Award", "Share",
    "Amount", "approved", "suppressed", "late", "on track", "completed", "not started",
    "in progress", "cancelled", "planned", "closed", "not yet approved", "Data as of",
    "DEMO DATA", "Quarterly", "Source:", "the", "and", "of", "by", "with", "for", "to", "in",
]  # fmt: skip
ENGLISH_WORD = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")
# Streamlit's own tokens (layout enums, heading tags, element ids), not words for readers.
NOT_TEXT = re.compile(r"[A-Z_]+|h\d|[0-9a-f]{32}")
CASES = [
    (email, screen)
    for email, role in ROLES.items()
    for screen in screens()
    if screen.allowed(Actor(email=email, role=role))
]


def typed_texts(database_url: str) -> list[str]:
    """Every text stored in the database except the codes the interface puts into words."""
    engine = sa.create_engine(database_url)
    tables = sa.MetaData()
    tables.reflect(bind=engine)
    found: set[str] = set()
    with engine.connect() as connection:
        for table in tables.tables.values():
            texts = [c for c in table.columns if isinstance(c.type, sa.String)]
            for row in connection.execute(sa.select(*texts)) if texts else []:
                found |= {v for v in row if isinstance(v, str) and v.strip()}
    engine.dispose()
    return sorted(found - set(WORDS), key=len, reverse=True)  # longest first


@pytest.fixture(scope="module")
def french_app(tmp_path_factory) -> Iterator[list[str]]:
    """One seeded database for every case; yields the texts people typed into it."""
    url = seeded_database(tmp_path_factory.mktemp("french"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        forget_app_caches()
        yield typed_texts(url)
    forget_app_caches()


def english_left(texts: list[str], typed: list[str]) -> list[str]:
    """The pieces of text that still hold an English word once typed data is set aside."""
    left = []
    for text in texts:
        # Typed text is shown with Markdown escaped; a chart label may break a name over lines.
        ours = as_read(text).replace("<br>", " ")
        for data in typed:
            ours = ours.replace(data, " ")
        if not NOT_TEXT.fullmatch(ours.strip()) and ENGLISH_WORD.search(ours):
            left.append(text)
    return left


@pytest.mark.parametrize(
    "email, screen", CASES, ids=[f"{e.split('@')[0]}-{s.name}" for e, s in CASES]
)
def test_screen_in_french_for_role(french_app, email, screen):
    with use_language("fr"):  # AppTest formats widget options in the test's own thread
        app = run_page(f"pages/{screen.name}.py", view_as=email, lang="fr")
        french_title = t(screen.title)
    assert not app.exception
    assert app.title[0].value == french_title
    assert english_left(visible_texts(app), french_app) == []
