"""One settings object for the whole application, read from the environment."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'grantmon.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
