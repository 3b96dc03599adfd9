"""Settings: which databases `DATABASE_URL` may name, and how the log shows them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings


@pytest.mark.parametrize("url", ["postgresql://cl:secret@db.internal:5432/caseloop",
                                 "postgres://cl:secret@db.internal/caseloop"])
def test_a_postgresql_url_is_accepted_and_its_password_never_shown(url: str) -> None:
    settings = load_settings(DATABASE_URL=url)
    assert settings.uses_postgres
    assert "secret" not in settings.database_label
    assert settings.database_label.endswith("cl:***@" + url.split("@")[1])


def test_an_sqlite_url_names_its_file(tmp_path: Path) -> None:
    settings = load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}")
    assert not settings.uses_postgres
    assert settings.database_path == tmp_path / "c.db"
    assert settings.checkpoints_path == tmp_path / "c.checkpoints.db"


def test_another_database_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL: .*postgresql://"):
        load_settings(DATABASE_URL="mysql://db/caseloop")


@pytest.mark.parametrize("sources", ["'self'", "'none'", "'self' https://shop.example.com",
                                     "https://*.example.com:8443"])
def test_embedding_origins_are_read_as_csp_sources(sources: str) -> None:
    assert load_settings(CASELOOP_FRAME_ANCESTORS=sources).frame_ancestors == sources


@pytest.mark.parametrize("sources", ["self", "'self'; script-src *", "https://a.com,https://b.com",
                                     "'unsafe-inline'", ""])
def test_embedding_origins_that_are_not_sources_stop_the_start(sources: str) -> None:
    with pytest.raises(SettingsError, match="CASELOOP_FRAME_ANCESTORS"):
        load_settings(CASELOOP_FRAME_ANCESTORS=sources)
