"""Benchmark: durable turns per second, and the cost of a long conversation.

    python benchmarks/turns.py [--customers 200] [--turns 5] [--long 1000]

(1) 200 customers talk at once through the agent graph on the offline model, first with no
checkpointer, then with Caseloop's checkpointing (SQLite, bounded state, one checkpoint per turn),
then, for reference, with LangGraph's `InMemorySaver` (the conversation kept, nothing written:
what holding a conversation costs a turn before any durability) and with stock
`AsyncSqliteSaver` defaults. (2) One customer talks for 1,000 turns
through the whole runtime (inbox, graph, transcript, outbox): the cost of late turns against early
ones, and database bytes per stored message. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.assembly import assemble  # noqa: E402
from bot.audit import AuditLog  # noqa: E402
from bot.business.demo_store import DemoStore  # noqa: E402
from bot.business.knowledge import KnowledgeBase  # noqa: E402
from bot.config import DEFAULTS_DIR, load_settings  # noqa: E402
from bot.desk.approvals import ApprovalQueue  # noqa: E402
from bot.identity.links import Links  # noqa: E402
from bot.identity.mailer import Mailer  # noqa: E402
from bot.identity.verification import Verifier  # noqa: E402
from bot.storage.checkpoints import open_checkpointer  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from channels.base import InboundMessage, OutboundMessage  # noqa: E402
from graph.backend import Backend  # noqa: E402
from graph.context import CaseContext  # noqa: E402
from graph.declarations.loading import load_actions  # noqa: E402
from graph.graph import build_graph  # noqa: E402
from graph.model import select_model  # noqa: E402
from graph.policy import Policy  # noqa: E402

PHRASES = (
    "where is my order {order}?",
    "what is your return policy?",
    "has {order} shipped yet",
    "how long does shipping take",
    "can you show me my orders",
    "tracking number for {order} please",
)


def shop(customers: int) -> dict:
    people, orders = [], []
    for n in range(customers):
        people.append({"id": f"B{n}", "name": f"Customer {n}", "email": f"c{n}@example.com",
                       "phone": f"+1555{n:07d}", "tier": "standard"})
        orders.append({
            "id": f"Z{n:05d}", "customer_id": f"B{n}", "status": "shipped",
            "placed_at": "2026-11-20T10:00:00Z", "currency": "USD", "total": "30.00",
            "items": [{"sku": "S", "name": "Scarf", "qty": 1, "unit_price": "30.00"}],
            "shipping_address": {"line1": "1 High St", "city": "York", "postcode": "YO1 7HH",
                                 "country": "GB"},
            "tracking": {"carrier": "DHL", "number": f"T{n:06d}", "eta": "2026-11-28"},
        })
    return {"customers": people, "orders": orders}


def case_context(database: Database, store: Backend,
                 knowledge: KnowledgeBase | None = None) -> CaseContext:
    """What the graph's nodes are given, as `caseloop serve` builds it, on the default actions,
    policy and help articles."""
    actions = load_actions(DEFAULTS_DIR / "actions.toml")
    return CaseContext(
        backend=store, policy=Policy.load(DEFAULTS_DIR / "policy.toml", actions.dimensions),
        actions=actions,
        verification=Verifier(database, store, Mailer(None, "x@example.com")),
        audit=AuditLog(database), approvals=ApprovalQueue(database),
        knowledge=knowledge or KnowledgeBase(DEFAULTS_DIR / "knowledge"),
    )


async def graph_throughput(folder: Path, customers: int, turns: int, mode: str) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"shop-{mode}.json"
    data.write_text(json.dumps(shop(customers)))
    database = await Database.open(folder / f"app-{mode}.db")
    store = DemoStore(database)
    await store.seed(data)
    context = case_context(database, store)
    saver = None
    if mode == "caseloop":
        saver = await open_checkpointer(folder / "checkpoints-caseloop.db")
    elif mode == "stock":
        saver_cm = AsyncSqliteSaver.from_conn_string(str(folder / "checkpoints-stock.db"))
        saver = await saver_cm.__aenter__()
    elif mode == "memory":
        saver = InMemorySaver()
    graph = build_graph(select_model("offline"), context.actions, saver)
    options = {"durability": "exit"} if mode in ("caseloop", "memory") else {}
    latencies: list[float] = []

    async def talk(n: int) -> None:
        config = {"configurable": {"thread_id": f"customer:B{n}", "channel": "bench"}}
        for turn in range(turns):
            text = PHRASES[(n + turn) % len(PHRASES)].format(order=f"Z{n:05d}")
            started = time.perf_counter()
            await graph.ainvoke(
                {"messages": [HumanMessage(text)], "customer_id": f"B{n}", "verified": True,
                 "escalation": None, "turn_facts": None, "handover": None, "arrival": None,
                 "held_action": None},
                config, context=context, **options)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(talk(n) for n in range(customers)))
    elapsed = time.perf_counter() - started
    if mode == "stock":
        await saver_cm.__aexit__(None, None, None)
    elif saver is not None and hasattr(saver, "conn"):
        await saver.conn.close()
    await database.close()
    latencies.sort()
    return {"turns_per_s": len(latencies) / elapsed,
            "p50_ms": 1000 * latencies[len(latencies) // 2],
            "p99_ms": 1000 * latencies[int(len(latencies) * 0.99) - 1]}


class _Quiet:
    name = "bench"

    async def send(self, message: OutboundMessage) -> bool:
        return True


async def long_conversation(folder: Path, turns: int) -> dict:
    data = folder / "shop-long.json"
    data.write_text(json.dumps(shop(1)))
    settings = load_settings(DATABASE_URL=f"sqlite:///{folder / 'long.db'}",
                             CASELOOP_DEMO_DATA=str(data), CASELOOP_MODEL="offline")
    app = await assemble(settings, extra_channels=[_Quiet()])
    await Links(app.database).link("bench", "b0", "B0")
    cost: list[float] = []
    sizes: dict[int, tuple[int, int]] = {}
    for turn in range(1, turns + 1):
        text = PHRASES[turn % len(PHRASES)].format(order="Z00000")
        started = time.perf_counter()
        await app.receive(InboundMessage(channel="bench", sender="b0",
                                         provider_message_id=str(turn), text=text))
        await app.dispatcher.idle()
        cost.append(time.perf_counter() - started)
        if turn in (turns // 4, turns // 2, turns):
            sizes[turn] = await _stored(app, settings)
    await app.close()
    early, late = cost[:10], cost[-10:]
    return {"turn_10_ms": 1000 * statistics.median(early),
            f"turn_{turns}_ms": 1000 * statistics.median(late),
            "ratio": statistics.median(late) / statistics.median(early),
            "bytes_per_message": sizes}


async def _stored(app, settings) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Bytes on disk (both databases, WAL folded in) and messages in the transcript."""
    await app.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    await app.checkpointer.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    row = await app.database.fetchone("SELECT COUNT(*) FROM transcript")
    files = [settings.database_path, settings.checkpoints_path]
    total = sum(p.stat().st_size for f in files for p in (f, Path(f"{f}-wal")) if p.exists())
    return total, row[0]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"(1) {args.customers} customers x {args.turns} turns, offline model, "
              f"{args.rounds} interleaved rounds after a warm-up")
        await graph_throughput(root / "warm-up", 20, 2, "none")
        await graph_throughput(root / "warm-up", 20, 2, "caseloop")
        ratios, results = [], {"none": [], "caseloop": [], "memory": [], "stock": []}
        for round_number in range(args.rounds):
            modes = ("none", "caseloop", "memory", "stock") if round_number == 0 else (
                "none", "caseloop")
            for mode in modes:
                folder = root / f"round-{round_number}"
                results[mode].append(
                    await graph_throughput(folder, args.customers, args.turns, mode))
            latest = results["caseloop"][-1]["turns_per_s"], results["none"][-1]["turns_per_s"]
            ratios.append(latest[0] / latest[1])
        for mode, runs in results.items():
            best = max(runs, key=lambda r: r["turns_per_s"])
            print(f"  {mode:<9} {statistics.median(r['turns_per_s'] for r in runs):8.1f} turns/s"
                  f" (median of {len(runs)})   p50 {best['p50_ms']:6.0f} ms   p99 "
                  f"{best['p99_ms']:6.0f} ms")
        first = {mode: runs[0]["turns_per_s"] for mode, runs in results.items()}
        print(f"  durable / no checkpointer: caseloop {statistics.median(ratios):.2f}x "
              f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}); "
              f"stock AsyncSqliteSaver {first['stock'] / first['none']:.2f}x")
        print(f"  durable / kept in memory only (InMemorySaver, round 1): caseloop "
              f"{first['caseloop'] / first['memory']:.2f}x")
        if args.long < 10:
            return  # too short a conversation to compare its 10th turn with its last
        print(f"(2) one customer, {args.long} turns through the whole runtime")
        long = await long_conversation(root, args.long)
        print(f"  turn 10: {long['turn_10_ms']:.1f} ms   turn {args.long}: "
              f"{long[f'turn_{args.long}_ms']:.1f} ms   ratio {long['ratio']:.2f}x")
        previous = None
        for turn, (size, messages) in long["bytes_per_message"].items():
            line = f"  after {turn} turns: {size / messages:,.0f} bytes per stored message"
            if previous:
                grown = (size - previous[0]) / (messages - previous[1])
                line += f" ({grown:,.0f} bytes for each message since the previous line)"
            print(line)
            previous = (size, messages)


if __name__ == "__main__":
    asyncio.run(main())
