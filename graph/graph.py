"""The agent graph: triage → identify (until the customer is verified) → agent ⇄ gated tools →
confirmation or reply → shadow (a turn that becomes a draft) → escalate."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.catalogs import N_, _, speaking
from graph.confirmation import ask_confirmation, confirm
from graph.context import CaseContext
from graph.declarations.model import Actions
from graph.escalation import escalate
from graph.gate import gate_tool_call
from graph.identity import identify
from graph.prompts import system_prompt
from graph.shadow import after_reply, shadow
from graph.state import CaseState, conversation_language
from graph.streaming import may_speak_early, speaker_of, written_aloud
from graph.tools import agent_tools
from graph.triage import triage
from graph.voice import asking_on_calls, confirming_on_calls, hand_off_call

EMPTY_REPLY = N_("Sorry, I lost my train of thought there. Could you say that again?")


def build_graph(
    model: BaseChatModel, actions: Actions, checkpointer: BaseCheckpointSaver | None = None
) -> CompiledStateGraph:
    """Compile the agent graph around a chat model (offline or OpenAI-compatible), with a tool
    for each of the declared actions (the same `actions` as the runs' `CaseContext`)."""
    tools = agent_tools(actions)
    bound = model.bind_tools(tools)

    async def agent(state: CaseState, config: RunnableConfig,
                    runtime: Runtime[CaseContext]) -> Command[Literal["tools", "respond"]]:
        """Let the model reply, then run the tools it called or finish the turn with its
        reply."""
        channel = config["configurable"].get("channel", "chat")
        conversation = [SystemMessage(content=system_prompt(state, channel)), *state["messages"]]
        speaker = speaker_of(config)
        if speaker is not None and await may_speak_early(state, runtime.context):
            reply = await written_aloud(bound, conversation, config, speaker)
        else:
            reply = await bound.ainvoke(conversation, config)
        calls = isinstance(reply, AIMessage) and bool(reply.tool_calls)
        return Command(goto="tools" if calls else "respond", update={"messages": [reply]})

    builder = StateGraph(CaseState, context_schema=CaseContext)
    for name, node in (("triage", triage), ("identify", identify),
                       ("confirm", confirming_on_calls(confirm, ask_confirmation)),
                       ("agent", agent),
                       ("ask_confirmation", asking_on_calls(ask_confirmation)),
                       ("respond", respond), ("shadow", shadow), ("escalate", escalate),
                       ("hand_off_call", hand_off_call)):
        builder.add_node(name, in_conversation_language(node))
    builder.add_node("tools", in_conversation_language(
        tools_then_on(ToolNode(tools, awrap_tool_call=gate_tool_call))),
        destinations=("ask_confirmation", "agent"))
    builder.add_edge(START, "triage")
    builder.add_edge("ask_confirmation", "shadow")
    builder.add_edge("escalate", "hand_off_call")
    builder.add_edge("hand_off_call", END)
    return builder.compile(checkpointer=checkpointer)


def tools_then_on(tool_node: ToolNode) -> Callable[..., Awaitable[list[Any]]]:
    """The tool node, then where the turn goes: to ask the customer to confirm an action the
    gate has just proposed (`pending_action`), else back to the model."""

    async def tools(state: CaseState, config: RunnableConfig) -> list[Any]:
        done = await tool_node.ainvoke(state, config)
        outputs = done if isinstance(done, list) else [done]
        proposed = state.get("pending_action") or any(
            isinstance(output, Command) and isinstance(output.update, dict)
            and output.update.get("pending_action") for output in outputs)
        return [*outputs, Command(goto="ask_confirmation" if proposed else "agent")]

    return tools


def in_conversation_language(node: Callable[..., Any]) -> Callable[..., Any]:
    """A node that runs with the conversation's language active, so the fixed texts it says
    (and the offline model's replies) come out in it. It keeps the node's signature: LangGraph
    still hands it the config and runtime it asks for."""

    @functools.wraps(node)
    async def run(state: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        with speaking(conversation_language(state)):
            result = node(state, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result

    return run


async def respond(state: CaseState, runtime: Runtime[CaseContext]
                  ) -> Command[Literal["shadow", "escalate", "__end__"]]:
    """Make sure the turn ends with something said to the customer, and put back an action
    set aside while it ran (when nothing new waits for a yes); then on (`after_reply`)."""
    update: dict[str, Any] = {}
    held = state.get("held_action")
    if held and not state.get("pending_action"):
        update = {"pending_action": held, "held_action": None}
    last = state["messages"][-1]
    if not (isinstance(last, AIMessage) and str(last.content).strip()):
        update["messages"] = [AIMessage(content=_(EMPTY_REPLY))]
    return Command(goto=await after_reply(state, runtime.context), update=update)

