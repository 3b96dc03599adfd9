"""The offline model speaks LangChain's tool-calling interface like a hosted model."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from graph.offline.model import OfflineChatModel
from graph.offline.state import STATE_KEY
from tests.graph.offline.conversation import TOOLS, Chat, get_order, order


def test_llm_type_names_the_model() -> None:
    assert OfflineChatModel()._llm_type == "caseloop-offline"


def test_bind_tools_accepts_tools_and_dicts_and_remembers_names() -> None:
    as_dict = {"type": "function", "function": {"name": "search_knowledge", "parameters": {}}}
    bound = OfflineChatModel().bind_tools([get_order, as_dict, {"name": "request_human"}])
    assert set(bound.offered_tools) == {"get_order", "search_knowledge", "request_human"}


def test_tool_calls_have_the_langchain_shape() -> None:
    reply = Chat().say("where is my order V2468?")
    assert isinstance(reply, AIMessage)
    (call,) = reply.tool_calls
    assert call["name"] == "get_order"
    assert call["args"] == {"order_id": "V2468"}
    assert call["type"] == "tool_call"
    assert call["id"].startswith("call_")


def test_only_offered_tools_are_called() -> None:
    chat = Chat(tools=[get_order])
    reply = chat.say("please refund order B7731")
    assert reply.tool_calls == []
    assert "person" in reply.content


def test_without_list_orders_it_asks_for_the_order_number() -> None:
    reply = Chat(tools=[get_order]).say("where is my parcel")
    assert reply.tool_calls == []
    assert "order" in reply.content.lower()


def test_same_conversation_gives_the_same_answer() -> None:
    messages = [SystemMessage("x"), HumanMessage("cancel order Q-20931")]
    model = OfflineChatModel().bind_tools(TOOLS)
    assert model.invoke(messages).tool_calls == model.invoke(messages).tool_calls


def test_tool_call_ids_are_unique_across_a_conversation() -> None:
    chat = Chat()
    ids = []
    for _ in range(3):
        reply = chat.say("where is B7731")
        ids += [call["id"] for call in reply.tool_calls]
        chat.answer({"order": order("B7731", "processing", "Kettle")})
    assert len(ids) == len(set(ids)) == 3


def test_state_is_kept_in_additional_kwargs() -> None:
    chat = Chat()
    chat.say("I want to cancel an order")
    reply = chat.answer({"orders": [order("C1", "processing", "Mug"),
                                    order("C2", "processing", "Scarf")]})
    state = reply.additional_kwargs[STATE_KEY]
    assert state["intent"] == "cancel"
    assert state["awaiting"] == "order_choice"
    assert state["options"] == ["C1", "C2"]


async def test_async_invoke_works_like_sync() -> None:
    model = OfflineChatModel().bind_tools(TOOLS)
    reply = await model.ainvoke([SystemMessage("x"), HumanMessage("cancel C4410 please")])
    assert reply.tool_calls[0]["name"] == "cancel_order"
    assert reply.tool_calls[0]["args"] == {"order_id": "C4410"}
