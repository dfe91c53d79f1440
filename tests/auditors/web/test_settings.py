"""The web auditor's own settings: registered as a plugin's, read from the same ACCESS_* names as
before, overridden by values given to core Settings, and loaded without any browser code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from access.config import Settings, plugin_settings
from access.registry import get_registry
from auditors.web.settings import WebSettings

WEB_FIELDS = {"browser_pool_size", "chromedriver_path", "axe_path", "page_timeout", "max_document_bytes",
              "web_batch_pages", "web_fanout", "host_rate", "max_crawl_delay"}


def test_the_web_settings_are_the_plugins_own() -> None:
    assert get_registry().settings["web"] is WebSettings
    assert set(WebSettings.model_fields) == WEB_FIELDS
    assert not WEB_FIELDS & set(Settings.model_fields), "out of the core"
    assert "chromium_path" in Settings.model_fields, "other plugins print with Chromium too"


def test_environment_names_are_unchanged_and_given_values_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCESS_PAGE_TIMEOUT", "12.5")
    monkeypatch.setenv("ACCESS_WEB_BATCH_PAGES", "7")
    monkeypatch.setenv("ACCESS_WEB_FANOUT", "false")
    settings = Settings(_env_file=None, browser_pool_size=3)
    web = plugin_settings(WebSettings, settings)
    assert (web.page_timeout, web.web_batch_pages, web.web_fanout, web.browser_pool_size) == (12.5, 7, False, 3)
    faster = settings.model_copy(update={"page_timeout": 1.5})
    assert plugin_settings(WebSettings, faster).page_timeout == 1.5, "a copy gets its own values"
    assert plugin_settings(WebSettings, settings).page_timeout == 12.5


def test_reading_the_settings_loads_no_browser_code() -> None:
    code = ("import sys; from access.registry import Registry; r = Registry(); r.settings.load_all(); "
            "assert 'selenium' not in sys.modules and 'auditors.web.site' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr
