"""Starting in the background: the collector that `caseloop serve` pauses runs again after."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace

from bot.startup import Startup
from tests.factories import make_settings


async def test_the_collector_runs_again_once_the_start_is_done(tmp_path: Path) -> None:
    state = SimpleNamespace()
    startup = Startup(make_settings(tmp_path), state)
    gc.disable()  # as `caseloop serve` does before it imports the app
    try:
        startup.begin()
        assert await startup.wait(60)
        assert gc.isenabled()
        assert state.caseloop is not None
    finally:
        gc.enable()
        await startup.close()
