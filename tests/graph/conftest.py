"""Fixtures of the graph's tests: the agent on real stores."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.graph.agent_rig import Rig, agent_rig


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    """The agent graph on real stores, with the bundled policy (a test module may override)."""
    rig = await agent_rig(tmp_path)
    yield rig
    await rig.close()
