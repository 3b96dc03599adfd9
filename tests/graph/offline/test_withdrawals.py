"""A customer who says not to do an action is not offered it; one who asks for it, even with a
negation nearby, still is."""

from __future__ import annotations

import pytest

from graph.catalogs import speaking
from tests.graph.offline.conversation import Chat, only_call

ACTIONS = {"cancel_order", "refund", "list_orders"}


@pytest.mark.parametrize(("language", "text"), [
    ("en", "actually, please don't cancel order A1001"),
    ("en", "i take it back dont cancel A1001"),
    ("en", "never mind the refund for A1001"),
    ("es", "no canceléis el pedido A1001, al final lo quiero"),
    ("es", "ya no quiero el reembolso del A1001"),
    ("de", "die Bestellung A1001 bitte doch nicht stornieren"),
    ("de", "vergessen Sie die Erstattung für A1001"),
    ("fr", "n'annulez pas la commande A1001 finalement"),
    ("fr", "je ne veux plus être remboursé pour A1001"),
    ("pt", "não precisa cancelar a encomenda A1001"),
    ("pt", "esquece o reembolso do A1001"),
])
def test_an_action_said_not_to_be_done_is_not_offered(language: str, text: str) -> None:
    with speaking(language):
        reply = Chat().say(text)
    assert not {call["name"] for call in reply.tool_calls} & ACTIONS, reply.tool_calls


@pytest.mark.parametrize(("text", "action"), [
    ("no cancel order A1001 please", "cancel_order"),
    ("don't ship it, cancel A1001", "cancel_order"),
    ("I don't want it anymore, cancel A1001", "cancel_order"),
    ("no I don't want a voucher, refund A1001", "refund"),
])
def test_a_request_beside_a_negation_is_still_offered(text: str, action: str) -> None:
    name, args = only_call(Chat().say(text))
    assert (name, args["order_id"]) == (action, "A1001")
