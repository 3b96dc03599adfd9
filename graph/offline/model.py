"""OfflineChatModel: a deterministic, network-free chat model that speaks tool calling."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from graph.catalogs import _
from graph.limits import MAX_PARSED_CHARS
from graph.offline.declared import DeclaredAction, declared_action
from graph.offline.dialogue import respond_to_customer
from graph.offline.matcher import matcher_for
from graph.offline.replies import GREETING_REPLY
from graph.offline.results import respond_to_results
from graph.offline.state import STATE_KEY, find_tool_call, parse_tool_content, previous_state
from graph.offline.steps import Decision

CONFIRMATION_KEY = "caseloop_confirmation"
"""Marks the graph's own "Shall I go ahead?" message, which the model did not write."""
MAX_READ_CHARS = MAX_PARSED_CHARS
"""The model reads at most this many characters of a customer message (as many as a channel
lets through by default), so that reading one message takes a bounded time."""
INLINE_MESSAGE_CHARS = 280
"""A customer message at most this long is read on the event loop (about a millisecond and a
half at most); a longer one in a worker thread, so that other customers' turns move on."""
INLINE_RESULT_CHARS = 4_000
"""Tool results at most this long are answered on the event loop, longer ones in a thread."""


def tool_name(tool: Any) -> str | None:
    """Return the name of a LangChain tool, a function, or an OpenAI/Anthropic tool dict."""
    if isinstance(tool, BaseTool):
        return tool.name
    if isinstance(tool, dict):
        if "function" in tool and isinstance(tool["function"], dict):
            return tool["function"].get("name")
        return tool.get("name")
    try:
        return convert_to_openai_tool(tool)["function"]["name"]
    except (TypeError, ValueError, KeyError):
        return getattr(tool, "__name__", None)


def _readable_part(text: str) -> str:
    """The start of a long message, cut at a space near the limit rather than inside a word."""
    if len(text) <= MAX_READ_CHARS:
        return text
    cut = text[:MAX_READ_CHARS]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space] if space >= MAX_READ_CHARS * 9 // 10 else cut


def _text_of(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    return " ".join(
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in message.content
    )


class OfflineChatModel(BaseChatModel):
    """A built-in chat model that understands customer messages without any network.

    It reads intents and slots from the latest customer message, keeps its dialogue state in
    ``AIMessage.additional_kwargs["caseloop_nlu"]`` and answers with the same
    ``AIMessage(tool_calls=...)`` a hosted model would. It calls only the tools bound with
    ``bind_tools``.
    """

    offered_tools: list[str] = Field(default_factory=list)
    """Names of the tools this model may call."""
    declared_actions: tuple[DeclaredAction, ...] = ()
    """The business's declared actions among those tools: their examples and arguments."""

    @property
    def _llm_type(self) -> str:
        return "caseloop-offline"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Return a copy of the model that may call the given tools.

        Args:
            tools: LangChain tools, functions, pydantic models or tool dicts.
            **kwargs: Accepted for interface compatibility (e.g. ``tool_choice``); ignored.
        """
        names = [name for tool in tools if (name := tool_name(tool))]
        declared = tuple(action for tool in tools if (action := declared_action(tool)))
        if declared:
            matcher_for(declared)  # built once for these actions, not on a customer's message
        return self.model_copy(update={"offered_tools": names, "declared_actions": declared})

    def decide(self, messages: list[BaseMessage]) -> Decision:
        """Return the model's next step for a conversation (exposed for inspection)."""
        offered = set(self.offered_tools)
        state, current = previous_state(messages)
        trailing = _trailing_results(messages)
        if trailing:
            answered = []
            for message in trailing:
                call = find_tool_call(messages, message.tool_call_id)
                if call is not None:
                    answered.append((call, parse_tool_content(message)))
            return respond_to_results(answered, state, offered)
        last_human = _last_customer_message(messages)
        if last_human is None:
            return Decision(_(GREETING_REPLY), [], state)
        latest_ai = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
        confirming = latest_ai is not None and CONFIRMATION_KEY in latest_ai.additional_kwargs
        return respond_to_customer(_readable_part(_text_of(last_human)), state, current,
                                   offered, confirming=confirming,
                                   declared=self.declared_actions)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        decision = self.decide(messages)
        seed = hashlib.sha256(
            "\x1f".join(f"{m.type}:{_text_of(m)}:{getattr(m, 'id', '')}" for m in messages).encode()
        ).hexdigest()
        tool_calls = []
        for index, call in enumerate(decision.calls):
            payload = f"{seed}|{index}|{call['name']}|{json.dumps(call['args'], sort_keys=True)}"
            digest = hashlib.sha256(payload.encode()).hexdigest()[:24]
            tool_calls.append(
                {"name": call["name"], "args": call["args"], "id": f"call_{digest}",
                 "type": "tool_call"}
            )
        message = AIMessage(
            content=decision.content,
            tool_calls=tool_calls,
            additional_kwargs={STATE_KEY: decision.state.to_dict()},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if _quick_to_read(messages):
            return self._generate(messages, stop, None, **kwargs)
        # A long read is CPU work of several milliseconds: done in a worker thread, it leaves
        # the event loop free to move other customers' turns along meanwhile.
        return await asyncio.to_thread(self._generate, messages, stop, None, **kwargs)


def _quick_to_read(messages: list[BaseMessage]) -> bool:
    """Whether the model's next step reads little enough to run on the event loop: a short
    customer message, or short tool results (handing the work to a thread and back costs
    more than reading them)."""
    if trailing := _trailing_results(messages):
        return sum(len(_text_of(message)) for message in trailing) <= INLINE_RESULT_CHARS
    last_human = _last_customer_message(messages)
    return last_human is None or len(_text_of(last_human)) <= INLINE_MESSAGE_CHARS


def _trailing_results(messages: list[BaseMessage]) -> list[ToolMessage]:
    """The tool results the conversation ends with, in order (none when the customer spoke
    last)."""
    trailing: list[ToolMessage] = []
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        trailing.insert(0, message)
    return trailing


def _last_customer_message(messages: list[BaseMessage]) -> HumanMessage | None:
    return next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None)
