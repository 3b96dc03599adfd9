"""The conversation's language: read from each message, spoken by every node, switchable."""

from __future__ import annotations

import dataclasses
import json

from langgraph.checkpoint.memory import InMemorySaver

from graph.confirmation import ASK, DECLINED
from graph.graph import build_graph
from graph.model import select_model
from graph.triage import BRINGING_IN, NOT_SERVED, PERSON_OFFERED
from tests.fakes.openai import FakeOpenAI, tool_call
from tests.graph.agent_rig import Rig, customer, visitor

NOOR = customer("K-77")
CODE_SENT_DE = (
    "Danke. Falls diese Adresse bei uns hinterlegt ist, ist jetzt ein 6-stelliger Code "
    "unterwegs. Bitte geben Sie den Code hier ein (er ist 10 Minuten gültig)."
)
NOT_SERVED_IT = (
    "Mi dispiace, posso aiutarti solo in inglese, spagnolo, tedesco, francese e portoghese. "
    "Scrivimi in una di queste lingue, oppure rispondi 1 e coinvolgerò un collega del nostro "
    "team di assistenza."
)


async def test_a_german_visitor_is_verified_in_german(rig: Rig) -> None:
    thread = visitor("de-1")
    sent = await rig.say(thread, "Guten Tag, ich heiße Noor und meine E-Mail-Adresse ist "
                                 "noor.haddad@example.org")
    assert sent == [CODE_SENT_DE]
    [wrong] = await rig.say(thread, "000000")  # a bare code keeps the conversation's language
    assert wrong.startswith("Dieser Code stimmt nicht. Sie haben noch ")
    verified = await rig.say(thread, rig.codes[-1])
    assert verified == ["Vielen Dank, Noor, Sie sind jetzt verifiziert."]
    assert (await rig.state(thread))["language"] == "de"


async def test_a_german_customer_confirms_in_german_and_people_read_english(rig: Rig) -> None:
    assert await rig.say(NOOR, "Ich möchte eine Rückerstattung für die Bestellung Q5560.") == [
        "Nur zur Bestätigung: Ich werde 120.00 EUR für die Bestellung Q5560 auf Ihr "
        "ursprüngliches Zahlungsmittel erstatten. Soll ich fortfahren? (ja / nein)"]
    [parked] = await rig.say(NOOR, "ja")
    assert parked.startswith("Dafür brauche ich die Freigabe eines Kollegen, bevor ich 120.00 EUR "
                             "für die Bestellung Q5560 auf Ihr ursprüngliches Zahlungsmittel "
                             "erstatten kann.")
    [row] = await rig.parked()
    assert row["description"] == "refund 120.00 EUR on order Q5560 to the original payment method"
    assert (await rig.state(NOOR))["case_notes"][-1] == f"awaiting approval: {row['description']}"


async def test_a_german_cancellation_is_confirmed_and_done_in_german(rig: Rig) -> None:
    [ask] = await rig.say(NOOR, "Bitte stornieren Sie meine Bestellung Q5530.")
    assert ask == ("Nur zur Bestätigung: Ich werde die Bestellung Q5530 stornieren und den vollen "
                   "Betrag von 210.00 EUR auf Ihr ursprüngliches Zahlungsmittel erstatten. Soll "
                   "ich fortfahren? (ja / nein)")
    [done] = await rig.say(NOOR, "ja")
    assert done.startswith("Erledigt: Ich habe die Bestellung Q5530 storniert und 210.00 EUR "
                           "erstattet. Ihre Referenz lautet ")
    assert (await rig.order("Q5530")).status == "cancelled"
    [record] = await rig.audited("K-77")
    assert (record.action, record.outcome) == ("cancel_order", "done")


async def test_a_customer_who_switches_to_spanish_gets_spanish_from_then_on(rig: Rig) -> None:
    [ask] = await rig.say(NOOR, "I'd like a refund for order Q5521 please")
    assert ask == ASK.format(description="refund 38.40 EUR on order Q5521 to the original "
                                         "payment method")
    assert await rig.say(NOOR, "no") == [DECLINED]
    [ask] = await rig.say(NOOR, "Quiero un reembolso del pedido Q5521, por favor.")
    assert ask == ("Solo para confirmar: voy a reembolsar 38.40 EUR del pedido Q5521 a tu método "
                   "de pago original. ¿Sigo adelante? (sí / no)")
    assert await rig.say(NOOR, "no") == [
        "Sin problema, no he cambiado nada. ¿Puedo ayudarte con algo más?"]
    assert (await rig.state(NOOR))["language"] == "es"
    [refused] = await rig.say(NOOR, "cancel Q5544")  # too short to be read as English
    assert refused.startswith("El pedido Q5544 ya fue enviado, así que ya no se puede cancelar.")
    assert (await rig.state(NOOR))["language"] == "es"


async def test_an_italian_message_is_answered_honestly_in_italian(rig: Rig) -> None:
    await rig.say(NOOR, "Ich möchte wissen, wo meine Bestellung Q5544 gerade ist.")
    replies = await rig.say(NOOR, "Buongiorno, vorrei sapere dove si trova il mio ordine Q5521")
    assert replies == [NOT_SERVED_IT]
    state = await rig.state(NOOR)
    assert state["language"] == "de"  # the conversation goes on in the language it had
    assert state["messages"][-1].additional_kwargs == {PERSON_OFFERED: "it"}
    assert await rig.people.escalations.listing("open") == []


async def test_taking_the_offer_brings_in_a_person(rig: Rig) -> None:
    thread = visitor("nl-1")
    [offer] = await rig.say(thread, "Goedemiddag, ik wil graag weten waar mijn bestelling is")
    assert offer.startswith("Sorry, ik kan alleen helpen in het Engels, Spaans, Duits, Frans en "
                            "Portugees.")
    assert await rig.say(thread, "1") == [BRINGING_IN["calm"]]
    [escalation] = await rig.people.escalations.listing("open")
    assert escalation.reason == "asked_for_person"
    assert escalation.wants == "Goedemiddag, ik wil graag weten waar mijn bestelling is"


async def test_a_language_without_a_catalog_is_answered_in_english(rig: Rig) -> None:
    replies = await rig.say(visitor("pl-1"), "Dzień dobry, chciałbym zapytać o moje zamówienie")
    assert replies == [NOT_SERVED]


async def test_an_english_conversation_is_unchanged(rig: Rig) -> None:
    [ask] = await rig.say(NOOR, "I'd like a refund for order Q5521 please")
    assert ask == ("Just to confirm: I'll refund 38.40 EUR on order Q5521 to the original payment "
                   "method. Shall I go ahead? (yes / no)")
    [done] = await rig.say(NOOR, "yes")
    assert done.startswith("Done: I've refunded 38.40 EUR on order Q5521; it usually shows on "
                           "your statement within 5-10 working days. Your reference is ")
    assert (await rig.state(NOOR))["language"] == "en"


async def test_an_address_abroad_given_in_parts_keeps_the_conversations_language(
        rig: Rig) -> None:
    await rig.say(NOOR, "I've moved, please change the delivery address for order Q5530")
    await rig.say(NOOR, "Seefeldstrasse 40")
    [ask] = await rig.say(NOOR, "8008 Zürich, Switzerland")
    assert ask.startswith("Just to confirm: I'll change the delivery address of order Q5530")
    assert "Seefeldstrasse 40" in ask and "8008" in ask
    assert (await rig.state(NOOR))["language"] == "en"


async def test_a_hosted_model_is_told_the_language_and_reads_tool_results_in_it(
    rig: Rig, fake_openai: FakeOpenAI
) -> None:
    model = select_model("openai:gpt-test", api_key="sk-test", base_url=fake_openai.base_url)
    graph = build_graph(model, rig.context.actions, InMemorySaver())
    hosted = dataclasses.replace(rig, graph=graph)
    fake_openai.answers = [tool_call("get_order", order_id="Q5521")]
    await hosted.say(visitor("fr-1"), "Bonjour, je voudrais savoir où en est ma commande Q5521")
    first, second = (request["body"]["messages"] for request in fake_openai.requests)
    assert "Write to the customer in French" in first[0]["content"]
    result = json.loads(second[-1]["content"])
    assert result["error"] == "verification_required"
    assert result["message"] == ("Pour consulter votre compte, je dois d'abord vérifier qu'il "
                                 "s'agit bien de vous. Quelle est l'adresse e-mail de votre "
                                 "compte ?")


def test_a_request_nobody_decided_on_in_time_is_told_in_the_customers_language() -> None:
    from graph.approval import expired_message

    told = expired_message("refund 20.00 for order A1001", "de")
    assert "nicht rechtzeitig geprüft" in told and "refund 20.00 for order A1001" in told
    assert expired_message("x", "en").startswith("I'm sorry: your request to x")
