"""Settings of easy-read: the optional OpenAI-compatible rewriter (never required; the rule-based one
is the default): ``ACCESS_EASYREAD_LLM_URL``, ``…_MODEL``, ``…_KEY``, ``…_TIMEOUT``."""

from __future__ import annotations

from pydantic import Field

from access.config import PluginSettings


class EasyReadSettings(PluginSettings):
    easyread_llm_url: str | None = Field(
        None, description="Base URL of an OpenAI-compatible API (…/v1) used to rewrite easy-read text.")
    easyread_llm_model: str | None = Field(None, description="Model name sent to the easy-read LLM endpoint.")
    easyread_llm_key: str | None = Field(None, description="Bearer key for the easy-read LLM endpoint.")
    easyread_llm_timeout: float = Field(60.0, description="Seconds one easy-read LLM request may take.")
