"""Checkpoints: a conversation's memory in SQLite beside the database, or in PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from bot.assembly import Caseloop
from bot.runtime.turns import PRUNE_EVERY
from bot.storage.postgres_checkpoints import open_postgres_checkpointer
from tests.databases import ON_POSTGRES, database_url
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink


async def test_a_long_conversation_keeps_few_checkpoints_and_its_memory(
    caseloop: tuple[Caseloop, CaptureChannel], customer_at, smtp: SmtpSink  # type: ignore[no-untyped-def]
) -> None:
    app, _ = caseloop
    visitor = customer_at("browser-7")
    for n in range(PRUNE_EVERY + 2):
        assert await visitor.say(f"what is your return policy? ({n})")
    config = {"configurable": {"thread_id": "visitor:test:browser-7"}}
    stored = [item async for item in app.checkpointer.alist(config)]
    assert 1 <= len(stored) <= 3
    messages = (await app.graph.aget_state(config)).values["messages"]
    asked = [m.content for m in messages if isinstance(m, HumanMessage)]
    assert asked[-1] == f"what is your return policy? ({PRUNE_EVERY + 1})"


@pytest.mark.skipif(not ON_POSTGRES, reason="needs CASELOOP_TEST_DATABASE")
async def test_processes_starting_together_set_up_the_checkpoint_tables_once(
    tmp_path: Path
) -> None:
    url = database_url(tmp_path)
    savers = await asyncio.wait_for(
        asyncio.gather(*(open_postgres_checkpointer(url) for _ in range(3))), timeout=60)
    try:
        config = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
        assert await savers[0].aget_tuple(config) is None
    finally:
        for saver in savers:
            await saver.conn.close()
