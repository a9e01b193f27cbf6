"""One settings object for the whole application, read from the environment."""

import ipaddress
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What Streamlit binds when server.address is empty or unset: every interface.
STREAMLIT_DEFAULT_BIND = "0.0.0.0"


def bound_address(configured: str | None) -> str:
    """The address a Streamlit server really listens on for this server.address value."""
    return configured or STREAMLIT_DEFAULT_BIND


def is_loopback(address: str) -> bool:
    """Whether a listening address is reachable from this machine only."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name or a Unix socket: may be reachable from elsewhere


class Settings(BaseSettings):
    """Settings from GRANTMON_* variables (DATABASE_URL also accepted bare)."""

    model_config = SettingsConfigDict(env_prefix="GRANTMON_", extra="ignore")

    database_url: str = Field(
        default="",
        validation_alias=AliasChoices("DATABASE_URL", "GRANTMON_DATABASE_URL"),
    )
    data_dir: Path = PROJECT_ROOT / "data"
    server_address: str = "127.0.0.1"
    server_port: int = 8501
    suppression_threshold: int = Field(default=5, ge=1, le=50)
    locale: str = "en"
    # A sign-in ends after this long without a page load or a click, and this long after it
    # began whatever happens; the person then signs in again.
    session_idle_hours: float = Field(default=8, gt=0, le=24 * 7)
    session_max_days: float = Field(default=7, gt=0, le=90)
    # Verdicts (docs/verdicts.md): how far a measure may be from plan before it is at risk or
    # behind. Spending is compared with time elapsed in percentage points; milestones and
    # indicators by the share of them that are late or more than 15% below target.
    verdict_spending_at_risk_points: float = Field(default=5, ge=0, le=100)
    verdict_spending_behind_points: float = Field(default=10, ge=0, le=100)
    verdict_milestones_behind_share: float = Field(default=0.2, ge=0, le=1)
    verdict_indicators_behind_share: float = Field(default=1 / 3, ge=0, le=1)
    # The end of the award shows on the first screen once fewer days than this remain.
    end_of_award_days: int = Field(default=183, ge=0, le=3660)

    @model_validator(mode="after")
    def _at_risk_before_behind(self) -> "Settings":
        if self.verdict_spending_at_risk_points > self.verdict_spending_behind_points:
            raise ValueError(
                "GRANTMON_VERDICT_SPENDING_AT_RISK_POINTS must not exceed "
                "GRANTMON_VERDICT_SPENDING_BEHIND_POINTS"
            )
        return self

    # Calls one API token may make in a minute on one server (a burst may use them at once).
    api_requests_per_minute: int = Field(default=120, ge=1, le=100_000)

    @property
    def session_idle(self) -> timedelta:
        """How long a sign-in may go unused."""
        return timedelta(hours=self.session_idle_hours)

    @property
    def session_max_age(self) -> timedelta:
        """How long a sign-in may last at most."""
        return timedelta(days=self.session_max_days)

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'grantmon.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
