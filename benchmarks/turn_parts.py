"""Benchmark: what a turn's time is spent on, and what a reader that cost nothing would leave.

    python benchmarks/turn_parts.py [--turns 600] [--rounds 3]

One customer talks through the agent graph on the offline model, turn after turn, with no
checkpointer (`turns.py`'s "none", one customer at a time so that the parts add up). The
offline model, the order store and the help articles are each given to the graph in a form that
times its own work: the model's reading and writing (`_generate`, without LangChain's
chat-model machinery around it), the backend's reads and the articles' search. What is left is
the graph's and LangChain's machinery and the nodes' own work (triage, the gate, the reply).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from turns import PHRASES, case_context, shop  # noqa: E402

from bot.business.demo_store import DemoStore  # noqa: E402
from bot.business.knowledge import KnowledgeBase  # noqa: E402
from bot.config import DEFAULTS_DIR  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from graph.graph import build_graph  # noqa: E402
from graph.offline.model import OfflineChatModel  # noqa: E402

SPENT: defaultdict[str, float] = defaultdict(float)
"""Seconds each timed part spent, over a round."""


@contextmanager
def _timed(part: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        SPENT[part] += time.perf_counter() - started


class TimedModel(OfflineChatModel):
    """The offline model, timing its own work."""

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        with _timed("model"):
            return super()._generate(*args, **kwargs)


class TimedStore(DemoStore):
    """The demo order store, timing the reads a read turn makes."""

    async def get_order(self, order_id: str) -> Any:
        with _timed("backend"):
            return await super().get_order(order_id)

    async def list_orders(self, customer_id: str) -> Any:
        with _timed("backend"):
            return await super().list_orders(customer_id)


class TimedKnowledge(KnowledgeBase):
    """The help articles, timing their search."""

    def search(self, *args: Any, **kwargs: Any) -> Any:
        with _timed("articles"):
            return super().search(*args, **kwargs)


async def one_round(folder: Path, turns: int) -> dict[str, float]:
    """Milliseconds per turn: the whole turn and each timed part."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "shop.json"
    data.write_text(json.dumps(shop(1)))
    database = await Database.open(folder / "app.db")
    store = TimedStore(database)
    await store.seed(data)
    context = case_context(database, store, TimedKnowledge(DEFAULTS_DIR / "knowledge"))
    graph = build_graph(TimedModel(), context.actions)
    config = {"configurable": {"thread_id": "customer:B0", "channel": "bench"}}
    SPENT.clear()
    started = time.perf_counter()
    for turn in range(turns):
        await graph.ainvoke(
            {"messages": [HumanMessage(PHRASES[turn % len(PHRASES)].format(order="Z00000"))],
             "customer_id": "B0", "verified": True, "escalation": None, "turn_facts": None,
             "handover": None, "arrival": None, "held_action": None},
            config, context=context)
    whole = time.perf_counter() - started
    await database.close()
    return {"turn": 1000 * whole / turns,
            **{part: 1000 * seconds / turns for part, seconds in SPENT.items()}}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await one_round(Path(tmp) / "warm-up", 50)
        rounds = [await one_round(Path(tmp) / f"round-{n}", args.turns)
                  for n in range(args.rounds)]
    parts = {name: statistics.median(r.get(name, 0.0) for r in rounds)
             for name in ("turn", "model", "backend", "articles")}
    rest = parts["turn"] - parts["model"] - parts["backend"] - parts["articles"]
    print(f"one customer, {args.turns} turns one after another, no checkpointer "
          f"(median of {args.rounds} rounds), ms per turn")
    print(f"  whole turn                                     {parts['turn']:6.2f}")
    print(f"  the offline model's own reading and writing    {parts['model']:6.2f}")
    print(f"  the backend's reads                            {parts['backend']:6.2f}")
    print(f"  the help articles' search                      {parts['articles']:6.2f}")
    print(f"  the rest: LangGraph, LangChain, the nodes      {rest:6.2f}")
    print(f"  a reader that cost nothing: {parts['turn'] / (parts['turn'] - parts['model']):.2f}x "
          "as many turns a second")


if __name__ == "__main__":
    asyncio.run(main())
