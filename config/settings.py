"""Settings: environment variables win over lieguan.toml, which wins over the defaults.

Loaded by `load_settings()`, never at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "sqlite:///./data/lieguan.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIEGUAN_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Taipei"
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None
    secret_key: str | None = None

    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_url: str = "https://api.line.me"
    # where LINE serves message content (photos, files); None: see line_data_url
    line_data_api_url: str | None = None

    telegram_token: str | None = None
    telegram_secret: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"

    # reminders (the secretariat changes these per body by command; these are the defaults)
    reminder_weekday: int = 0  # Monday
    reminder_time: str = "09:30"
    deadline_office_days: int = 5
    countdown_office_days: list[int] = [5, 2, 1]
    own_date_office_days: list[int] = [3, 1]

    # 佐證: the files agencies send with replies, kept in the database, up to this much per body
    evidence_quota_mb: int = 2048

    # the daily backup, run by the leader (docs/operations.md); off while backup_dir is unset
    backup_dir: str | None = None
    backup_keep: int = 14
    backup_time: str = "03:15"

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def line_data_url(self) -> str:
        """LINE's content host: LIEGUAN_LINE_DATA_API_URL, else LIEGUAN_LINE_API_URL when that was
        changed (a test server, a proxy), else LINE's own data host."""
        if self.line_data_api_url:
            return self.line_data_api_url
        if self.line_api_url.rstrip("/") != "https://api.line.me":
            return self.line_api_url
        return "https://api-data.line.me"

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("LIEGUAN_CONFIG", "lieguan.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
