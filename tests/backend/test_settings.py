"""Settings for the business's own backend: demo by default, http only with a URL."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings


def test_the_demo_store_is_the_default() -> None:
    settings = load_settings()
    assert (settings.backend, settings.backend_url, settings.backend_token) == ("demo", None, None)


def test_http_takes_a_url_a_token_and_a_timeout() -> None:
    settings = load_settings(CASELOOP_BACKEND="http",
                             CASELOOP_BACKEND_URL="https://orders.example.com/caseloop/",
                             CASELOOP_BACKEND_TOKEN="s3cret", CASELOOP_BACKEND_TIMEOUT="2.5")
    assert settings.backend_url == "https://orders.example.com/caseloop"
    assert (settings.backend_token, settings.backend_timeout) == ("s3cret", 2.5)


@pytest.mark.parametrize("values, message", [
    ({"CASELOOP_BACKEND": "http"}, "CASELOOP_BACKEND_URL is needed"),
    ({"CASELOOP_BACKEND_URL": "https://orders.example.com"}, "CASELOOP_BACKEND is demo"),
    ({"CASELOOP_BACKEND": "http", "CASELOOP_BACKEND_URL": "orders.example.com"},
     "CASELOOP_BACKEND_URL: .*http:// or https://"),
    ({"CASELOOP_BACKEND": "oms"}, "CASELOOP_BACKEND: "),
    ({"CASELOOP_BACKEND": "http", "CASELOOP_BACKEND_URL": "http://localhost:9",
      "CASELOOP_BACKEND_TIMEOUT": "0"}, "CASELOOP_BACKEND_TIMEOUT: "),
])
def test_a_backend_setting_that_cannot_work_stops_the_start(values, message) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(**values)
