"""Wording of the offline model's replies, built from tool results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from rapidfuzz import fuzz

CAPABILITIES = (
    "I can check where an order is, refund or cancel an order, change a delivery address, "
    "answer questions about our policies, or connect you with a person."
)
GREETING_REPLY = "Hi! How can I help you today? " + CAPABILITIES
CAPABILITIES_REPLY = (
    "I'm the shop's support assistant. I can tell you where an order is and when it should "
    "arrive, refund or cancel an order, change a delivery address, list your orders, answer "
    "questions about returns, shipping and our other policies, or connect you with a person "
    "from our team. What would you like to do?"
)
SORRY_PREFIX = "I'm sorry about the trouble. "
THANKS_REPLY = "You're welcome! Is there anything else I can help with?"
GOODBYE_REPLY = "Thanks for getting in touch. Have a lovely day!"
NOT_UNDERSTOOD_REPLY = "Sorry, I didn't quite catch that. " + CAPABILITIES
OUT_OF_SCOPE_REPLY = "I'm afraid I can't help with that — I'm the shop's support assistant. "
VERIFY_REPLY = (
    "To keep your account safe I first need to confirm it's you. "
    "What's the e-mail address on your account?"
)
ASK_ORDER_REPLY = "Which order is this about? The order number is in your confirmation e-mail."
ASK_ADDRESS_REPLY = (
    "What's the new delivery address? Please include the street, city, postcode and country."
)
NO_ARTICLE_REPLY = (
    "I couldn't find anything about that in our help articles. "
    "Would you like me to connect you with a person from our team?"
)
ASK_AMOUNT_AGAIN = "How much would you like refunded instead?"
HUMAN_REPLY = "I've asked a member of our team to join — they'll reply here shortly."
DROPPED_REPLY = "No problem, I'll leave it there. Is there anything else I can help with?"
_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥"}
_FIELD_NAMES = {"city": "the city", "postcode": "the postcode", "country": "the country"}


def format_money(amount: Any, currency: str | None) -> str:
    """Format "20.00" and "USD" as "$20.00"; unknown currencies as "20.00 CAD"."""
    try:
        text = f"{Decimal(str(amount)):,.2f}"
    except (InvalidOperation, ValueError):
        text = str(amount)
    symbol = _SYMBOLS.get((currency or "").upper())
    if symbol:
        return f"{symbol}{text}"
    return f"{text} {currency}" if currency else text


def format_date(value: Any) -> str | None:
    """Format an ISO timestamp as "3 November 2026"; None when missing or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return f"{moment.day} {moment:%B %Y}"


def describe_items(items: list[Any]) -> str:
    """Name an order's items briefly: "Mug", "Mug and Scarf", "Mug and 2 more items"."""
    names = [str(i.get("name") if isinstance(i, dict) else i) for i in items if i]
    if not names:
        return "your items"
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]} and {len(names) - 1} more items"


def order_status_reply(order: dict[str, Any]) -> str:
    """One or two friendly sentences on an order's status, dates and tracking."""
    order_id, status = order.get("id"), order.get("status")
    items = describe_items(order.get("items") or [])
    placed = format_date(order.get("placed_at"))
    tracking = order.get("tracking") or {}
    carrier, number = tracking.get("carrier"), tracking.get("number")
    eta = format_date(tracking.get("eta"))
    track_text = f" with {carrier}, tracking number {number}" if carrier and number else ""
    if number and not carrier:
        track_text = f", tracking number {number}"
    if status == "processing":
        when = f" on {placed}" if placed else ""
        return (f"Order {order_id} ({items}) was placed{when} and is being prepared — "
                "it hasn't shipped yet. I'll be here if you need anything else.")
    if status == "shipped":
        eta_text = f" and should arrive by {eta}" if eta else ""
        return f"Good news — order {order_id} ({items}) has shipped{track_text}{eta_text}."
    if status == "delivered":
        when = format_date(order.get("delivered_at"))
        return (f"Order {order_id} ({items}) was delivered{f' on {when}' if when else ''}. "
                "If it isn't there, let me know and I'll help.")
    if status == "cancelled":
        refunded = order.get("refunded")
        money = ""
        if refunded and Decimal(str(refunded)) > 0:
            money = f" and {format_money(refunded, order.get('currency'))} was refunded"
        return f"Order {order_id} ({items}) was cancelled{money}."
    return f"Order {order_id} ({items}) is currently {status or 'being looked at'}."


def order_list_reply(orders: list[dict[str, Any]], question: str | None = None) -> str:
    """List orders briefly, one per line, and optionally ask which one is meant."""
    if not orders:
        return "I couldn't find any orders on your account."
    lines = []
    for index, order in enumerate(orders, start=1):
        placed = format_date(order.get("placed_at"))
        when = f", placed {placed}" if placed else ""
        total = format_money(order.get("total"), order.get("currency"))
        lines.append(f"{index}. {order['id']} — {describe_items(order.get('items') or [])}, "
                     f"{total}, {order.get('status')}{when}")
    intro = "Here are your orders:" if question is None else "I can see these orders:"
    return "\n".join([intro, *lines, question or "Would you like details on any of them?"])


def knowledge_reply(articles: list[dict[str, Any]], query: str) -> str:
    """Quote the snippet of the article that best fits the query, citing its title."""
    def fit(article: dict[str, Any]) -> float:
        text = f"{article.get('title', '')} {article.get('snippet', '')}"
        return fuzz.token_set_ratio(query.lower(), text.lower())

    best = articles[0]
    for article in articles[1:]:
        if fit(article) > fit(best) + 15:
            best = article
    snippet = str(best.get("snippet") or best.get("content") or "").strip()
    title = best.get("title") or "help"
    return f"From our {title} article: {snippet}"


def calm_reply(*, with_person: bool) -> str:
    """Acknowledge frustration calmly, and offer a person when one can be reached."""
    opening = "I'm sorry this has been frustrating — I'd like to put it right. "
    ask = "Tell me what's gone wrong and I'll look into it straight away"
    if with_person:
        return f"{opening}{ask}, or I can connect you with a person from our team. Shall I?"
    return f"{opening}{ask}."


def product_not_found_reply(product: str) -> str:
    """Say that no listed order holds the product the customer named."""
    return f'I couldn\'t see "{product}" in any of your orders. ' if product else ""


def missing_address_reply(missing: list[str]) -> str:
    """Ask for the address fields still missing."""
    names = [_FIELD_NAMES.get(name, name) for name in missing]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Thanks! Could you also tell me {listed} for the new address?"
