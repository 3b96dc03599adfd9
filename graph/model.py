"""Choosing the chat model: an OpenAI-compatible server, or the built-in offline model."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel


def select_model(name: str, api_key: str | None = None, base_url: str | None = None,
                 timeout: float = 30.0) -> BaseChatModel:
    """The chat model for a `CASELOOP_MODEL` value.

    Args:
        name: `offline`, or `openai:<model>` for any OpenAI-compatible chat completions API.
        api_key: The API key (`OPENAI_API_KEY`).
        base_url: Where the API lives (`OPENAI_BASE_URL`), for Ollama, vLLM, proxies...
        timeout: Seconds to wait for one completion.
    """
    if name == "offline":
        from graph.offline.model import OfflineChatModel

        return OfflineChatModel()
    if name.startswith("openai:"):
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=name.removeprefix("openai:"), api_key=api_key or "not-needed",
                          base_url=base_url, timeout=timeout, max_retries=2, temperature=0)
    raise ValueError(f"unknown model {name!r}: use 'offline' or 'openai:<model>'")
