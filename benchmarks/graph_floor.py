"""Benchmark: what LangGraph alone costs a turn, the floor under `turns.py`'s "none" figure.

    python benchmarks/graph_floor.py [--customers 200] [--turns 5] [--rounds 3]

A graph with the nodes a verified customer's read turn passes through (triage, agent, tools,
agent again, respond), each doing nothing but what a node must (a state update; respond adds
the reply), no checkpointer, driven exactly as `turns.py` drives the agent: every customer at
once, one turn after another. No turn of the real graph can be cheaper than this. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

NODES = ("triage", "agent", "tools", "agent_again", "respond")


class _State(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]
    step: str


def _node(name: str) -> Any:
    async def run(state: _State) -> dict[str, Any]:
        if name == "respond":
            return {"messages": [AIMessage("Your order is on its way.")], "step": name}
        return {"step": name}
    return run


def empty_graph() -> Any:
    """The agent's read turn with nodes that do nothing."""
    builder = StateGraph(_State)
    for name in NODES:
        builder.add_node(name, _node(name))
    builder.add_edge(START, NODES[0])
    for before, after in zip(NODES, NODES[1:], strict=False):
        builder.add_edge(before, after)
    builder.add_edge(NODES[-1], END)
    return builder.compile()


async def throughput(graph: Any, customers: int, turns: int) -> float:
    async def talk(n: int) -> None:
        config = {"configurable": {"thread_id": f"customer:B{n}"}}
        for turn in range(turns):
            await graph.ainvoke({"messages": [HumanMessage(f"where is my order Z{n:05d}?")],
                                 "step": str(turn)}, config)

    started = time.perf_counter()
    await asyncio.gather(*(talk(n) for n in range(customers)))
    return customers * turns / (time.perf_counter() - started)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    graph = empty_graph()
    await throughput(graph, 20, 2)  # warm-up
    rates = [await throughput(graph, args.customers, args.turns) for _ in range(args.rounds)]
    print(f"{args.customers} customers x {args.turns} turns, {len(NODES)} nodes doing nothing, "
          f"no checkpointer")
    print(f"  LangGraph alone  {statistics.median(rates):6.1f} turns/s (median of {args.rounds}:"
          f" {', '.join(f'{rate:.1f}' for rate in rates)})")


if __name__ == "__main__":
    asyncio.run(main())
