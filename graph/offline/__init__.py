"""The built-in offline chat model, used when no hosted model is configured."""

from __future__ import annotations

from graph.offline.model import OfflineChatModel

__all__ = ["OfflineChatModel"]
