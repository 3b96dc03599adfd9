"""The agent as one thing to run: the compiled graph, the context its runs get, and how often
its checkpoints are written."""

from __future__ import annotations

from dataclasses import dataclass

from langgraph.graph.state import CompiledStateGraph

from graph.context import CaseContext


@dataclass(frozen=True)
class Agent:
    """What a turn runs.

    `durability` is when checkpoints are written: `exit` writes once per turn; a turn cut
    short by a crash is replayed from the inbox, and idempotency keys make that safe.
    """

    graph: CompiledStateGraph
    context: CaseContext
    durability: str = "exit"
