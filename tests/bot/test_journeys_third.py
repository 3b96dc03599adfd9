"""A third blind set of customer journeys, against a home-and-kitchen shop of its own.

Written from what a customer needs to read in each reply, without looking at how the offline
model was built. Like the first two sets, a journey that fails is reported as xfail with the turn
that went wrong, and the share that passes is printed at the end.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.assembly import Caseloop
from tests.bot.test_journeys import (  # noqa: F401 - `caseloop` and `report` are fixtures
    CODE,
    EMAILS,
    VERIFY,
    Check,
    Journey,
    StateCheck,
    _item,
    _order,
    asks_email,
    asks_which,
    both,
    caseloop,
    confirms,
    declines,
    either,
    has,
    has_any,
    lacks,
    listed,
    nonempty,
    refunded,
    report,
    score,
    shipped_to,
    status,
)
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

THIRD_EMAILS = {"callum": "callum.reid@mailbox.example", "ines": "ines.costa@correio.example",
                "mateo": "mateo.ruiz@buzon.example", "nadia": "nadia.keller@postfach.example"}
EMAILS.update(THIRD_EMAILS)  # the harness looks each journey's customer up in EMAILS

LISBON = {"line1": "Rua do Carmo 5", "city": "Lisboa", "postcode": "1200-093", "country": "PT"}
ORLANDO = {"line1": "410 E Pine St", "city": "Orlando", "postcode": "32801", "country": "US"}
BASEL = {"line1": "Rheingasse 8", "city": "Basel", "postcode": "4058", "country": "CH"}


def third_shop() -> dict[str, Any]:
    """A home-and-kitchen shop: four people, GBP, EUR and USD, four id formats."""
    return {
        "customers": [
            {"id": "HK-C1", "name": "Callum Reid", "email": EMAILS["callum"],
             "tier": "standard"},
            {"id": "HK-C2", "name": "Inês Costa", "email": EMAILS["ines"], "tier": "standard"},
            {"id": "HK-C3", "name": "Mateo Ruiz", "email": EMAILS["mateo"], "tier": "standard"},
            {"id": "HK-C4", "name": "Nadia Keller", "email": EMAILS["nadia"],
             "tier": "standard"},
        ],
        "orders": [
            _order("HK-20417", "HK-C1", "delivered", "GBP", [_item("Cast iron skillet", "34.00")],
                   placed=14, delivered=6),
            _order("HK-20588", "HK-C1", "processing", "GBP", [_item("Stand mixer", "89.00")],
                   placed=1),
            _order("HK-20502", "HK-C1", "shipped", "GBP", [_item("Knife block", "45.00")],
                   placed=7, tracking={"carrier": "Evri", "number": "EVR7731902GB",
                                       "eta": "2026-12-02"}),
            _order("HK-20377", "HK-C1", "delivered", "GBP", [_item("Tea towel", "4.50", 4)],
                   placed=20, delivered=15),
            _order("900214", "HK-C2", "delivered", "EUR", [_item("Linen duvet cover", "60.00")],
                   placed=12, delivered=5, address=LISBON),
            _order("900377", "HK-C2", "shipped", "EUR", [_item("Espresso cup", "7.50", 6)],
                   placed=5, address=LISBON,
                   tracking={"carrier": "CTT", "number": "RR123456785PT", "eta": "2026-12-04"}),
            _order("900401", "HK-C2", "processing", "EUR", [_item("Bamboo cutting board",
                                                                  "22.00")],
                   placed=1, address=LISBON),
            _order("US-44102", "HK-C3", "processing", "USD", [_item("Air fryer", "79.99")],
                   placed=0, address=ORLANDO),
            _order("US-43987", "HK-C3", "delivered", "USD", [_item("Dutch oven", "64.00")],
                   placed=16, delivered=9, address=ORLANDO),
            _order("US-44051", "HK-C3", "shipped", "USD", [_item("Chef knife", "39.50")],
                   placed=6, address=ORLANDO,
                   tracking={"carrier": "USPS", "number": "9400111899223344556677",
                             "eta": "2026-12-03"}),
            _order("EK-0311", "HK-C4", "delivered", "EUR", [_item("Salad spinner", "24.00")],
                   placed=10, delivered=4, address=BASEL),
            _order("EK-0342", "HK-C4", "processing", "EUR", [_item("Glass storage jar", "9.00",
                                                                   3)],
                   placed=2, address=BASEL),
            _order("EK-0298", "HK-C4", "shipped", "EUR", [_item("Pressure cooker", "95.00")],
                   placed=6, address=BASEL,
                   tracking={"carrier": "DHL", "number": "JJD0001234567", "eta": "2026-12-05"}),
        ],
    }


def second_line(order_id: str, line2: str) -> StateCheck:
    """The delivery address kept the flat or apartment, on its second line."""
    async def check(app: Caseloop) -> bool:
        a = (await app.store.get_order(order_id)).shipping_address
        return (a.line2 or "").lower() == line2.lower()
    return check


def money(units: str) -> Check:
    """An amount as a reply in English or a continental language may write it."""
    return has_any(f"{units}.00", f"{units},00")


def sorry_and_offer(order_id: str, *offers: str) -> Check:
    """Apologises, names the order, and offers a way to put it right."""
    return both(has("sorry", order_id), has_any(*offers))


CALLUM_IDS = ("HK-20417", "HK-20588", "HK-20502", "HK-20377")
INES_IDS = ("900214", "900377", "900401")
MATEO_IDS = ("US-44102", "US-43987", "US-44051")
NADIA_IDS = ("EK-0311", "EK-0342", "EK-0298")
V = (VERIFY, nonempty())
FIXES = ("refund", "replace", "return", "exchange", "send")
CALLUM_UNTOUCHED = [status("HK-20588", "processing"), refunded("HK-20417", "0.00"),
                    refunded("HK-20377", "0.00")]
INES_UNTOUCHED = [status("900401", "processing"), refunded("900214", "0.00")]
MATEO_UNTOUCHED = [status("US-44102", "processing"), refunded("US-43987", "0.00")]

THIRD_SET = [
    # where is my order: by id, by product, by "last week", in other languages
    Journey("wheres it by id", "callum", [V, ("yo wheres HK-20502", has("EVR7731902GB"))]),
    Journey("knife block by name", "callum", [
        V, ("has my knife block shipped yet??", has("EVR7731902GB"))]),
    Journey("the one from last week", "callum", [
        V, ("wheres my order", asks_which(*CALLUM_IDS)),
        ("the one i ordered last week", has("HK-20502"))]),
    Journey("portuguese, by id", "ines", [
        V, ("oi, onde está a minha encomenda 900377?", has("RR123456785PT"))]),
    Journey("french, not arrived", "nadia", [
        V, ("bonjour, mon autocuiseur n'est toujours pas arrivé", has("JJD0001234567"))]),
    Journey("german, unverified", "nadia", [
        ("hallo, wo ist mein pressure cooker?", asks_email()),
        (VERIFY, either(has("JJD0001234567"), has("EK-0298")))]),
    # listing orders and picking one
    Journey("list, then the 2nd", "mateo", [
        V, ("can i see my orders", has(*MATEO_IDS)), ("the 2nd one", listed(2, MATEO_IDS))]),
    Journey("german list, then by price", "nadia", [
        V, ("zeig mir bitte meine bestellungen", has(*NADIA_IDS)),
        ("die für 95 euro", has("EK-0298"))]),
    # cancelling: processing vs already shipped
    Journey("cancel the mixer", "callum", [
        V, ("cancel the mixer pls found it cheaper elsewhere",
            confirms("cancel", "HK-20588", "89.00")), ("yes", has("done"))],
        [status("HK-20588", "cancelled"), status("HK-20502", "shipped")]),
    Journey("cancel a shipped knife", "mateo", [
        V, ("i need to cancel the chef knife",
            both(has_any("shipped", "on its way", "no longer"), lacks("confirm")))],
        [status("US-44051", "shipped")]),
    Journey("spanish cancel", "mateo", [
        V, ("hola quiero cancelar mi pedido de la air fryer", has("US-44102", "79.99")),
        ("sí", has("US-44102"))], [status("US-44102", "cancelled")]),
    # refunds: whole, half, a tenner, £5, corrected before confirming
    Journey("full refund, cracked skillet", "callum", [
        V, ("skillet arrived cracked down the middle, want a full refund",
            confirms("34.00", "HK-20417")), ("yes", has("done"))],
        [refunded("HK-20417", "34.00")]),
    Journey("half back on the duvet", "ines", [
        V, ("the duvet cover has a stain that wont come out, can i get half back?",
            confirms("30.00", "900214")), ("ok yes", has("done"))],
        [refunded("900214", "30.00")]),
    Journey("a tenner", "callum", [
        V, ("tea towels faded after 1 wash tbh. a tenner back and we're good",
            confirms("10.00", "HK-20377")), ("go on then", has("done"))],
        [refunded("HK-20377", "10.00")]),
    Journey("five pounds on a lowercase id", "callum", [
        V, ("can u refund £5 on hk-20417 the handle's scratched", confirms("5.00", "HK-20417")),
        ("yes", has("done"))], [refunded("HK-20417", "5.00")]),
    Journey("whole, then just 15 dollars", "mateo", [
        V, ("refund the dutch oven, the lid is chipped", confirms("64.00", "US-43987")),
        ("actually just $15 is fine, ill keep it", confirms("15.00", "US-43987")),
        ("yes", has("done"))], [refunded("US-43987", "15.00")]),
    Journey("german, 10 then 12 euro", "nadia", [
        V, ("der deckel der salatschleuder ist gebrochen, bitte 10 euro zurück für EK-0311",
            both(has("EK-0311"), money("10"))),
        ("nein, lieber 12 euro", both(has("EK-0311"), money("12"))),
        ("ja", has("EK-0311"))], [refunded("EK-0311", "12.00")]),
    # changing a delivery address
    Journey("address in one message", "ines", [
        V, ("pls send 900401 to Rua Augusta 27, 1100-048 Lisboa, Portugal instead",
            has("Rua Augusta 27", "1100-048")), ("yes", has("done"))],
        [shipped_to("900401", "Rua Augusta 27", "1100-048", "PT")]),
    Journey("address over turns", "mateo", [
        V, ("need to change the shipping address on my air fryer",
            either(has("US-44102"), has("address"))),
        ("1200 Brickell Ave Apt 5", nonempty()),
        ("Miami, FL 33131, USA", has("1200 Brickell Ave", "33131")),
        ("yes", has("done"))], [shipped_to("US-44102", "1200 Brickell Ave", "33131", "US"),
                                second_line("US-44102", "Apt 5")]),
    # complaints with no explicit request
    Journey("cracked lid, no ask", "mateo", [
        V, ("my dutch oven showed up w a huge crack in the lid 😩",
            sorry_and_offer("US-43987", *FIXES))], MATEO_UNTOUCHED),
    Journey("wrong item in the box", "ines", [
        V, ("i got a pillowcase in the box, not the duvet cover i ordered",
            sorry_and_offer("900214", *FIXES))], INES_UNTOUCHED),
    Journey("missing tea towels", "callum", [
        V, ("only 2 tea towels in the parcel, i paid for 4",
            sorry_and_offer("HK-20377", "9.00", "send", "reship"))], CALLUM_UNTOUCHED),
    # policy questions that mention refunds or cancelling: answered, not acted on
    Journey("how long refunds take", "callum", [
        V, ("how long do refunds take to show on my card",
            both(has("working days"), lacks("confirm")))], CALLUM_UNTOUCHED),
    Journey("cancel once shipped, policy", "ines", [
        V, ("can you still cancel an order once it's shipped?",
            both(has_any("carrier", "redirect", "processing"), lacks("confirm")))],
        [*INES_UNTOUCHED, status("900377", "shipped")]),
    Journey("portuguese return window", "ines", [
        V, ("qual é o prazo para devolver e pedir reembolso?", both(has("30"), lacks("confirm")))],
        INES_UNTOUCHED),
    # a person, thanks and bye, saying no, off-topic
    Journey("a real person", "callum", [
        V, ("can i talk to a real person pls", has_any("colleague", "team", "someone"))]),
    Journey("obrigada, tchau", "ines", [
        V, ("valeu, obrigada! tchau", both(has_any("nada", "obrigad", "até", "tchau"),
                                           lacks("confirm")))]),
    Journey("no to the refund", "ines", [
        V, ("refund the duvet cover", confirms("60.00", "900214")),
        ("no leave it actually", lacks("done"))], [refunded("900214", "0.00")]),
    Journey("off-topic game", "mateo", [V, ("who won the game last night lol", declines())]),
    Journey("everything in one message", "ines", [
        ("hi, it's ines, ines.costa@correio.example - pls cancel my cutting board order",
         has("code")), (CODE, confirms("cancel", "900401")), ("yes", has("done"))],
        [status("900401", "cancelled")]),
]


@pytest.fixture
def shop() -> dict[str, Any]:
    return third_shop()


@pytest.mark.parametrize("shop", [third_shop()], ids=["third shop"])
@pytest.mark.parametrize("journey", THIRD_SET, ids=[j.name for j in THIRD_SET])
async def test_third_blind_set(journey: Journey, customer_at: Any, smtp: SmtpSink,
                               caseloop: tuple[Caseloop, CaptureChannel]) -> None:  # noqa: F811
    await score("third set", journey, customer_at, smtp, caseloop[0])
