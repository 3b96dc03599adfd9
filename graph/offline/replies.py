"""Wording of the offline model's replies, built from tool results.

The texts are English message ids of the `offline` catalog (see `graph.catalogs`): constants
are marked with `N_()` and keep their English value for code that compares replies with them;
they are translated with `_()` where a reply is built.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal
from rapidfuzz import fuzz

from graph.catalogs import N_, _, active_language, ngettext
from graph.languages import DEFAULT_LANGUAGE, LANGUAGES

CAPABILITIES = N_(
    "I can check where an order is, refund or cancel an order, change a delivery address, "
    "answer questions about our policies, or connect you with a person."
)
GREETING_REPLY = N_(
    "Hi! How can I help you today? I can check where an order is, refund or cancel an order, "
    "change a delivery address, answer questions about our policies, or connect you with a "
    "person."
)
CAPABILITIES_REPLY = N_(
    "I'm the shop's support assistant. I can tell you where an order is and when it should "
    "arrive, refund or cancel an order, change a delivery address, list your orders, answer "
    "questions about returns, shipping and our other policies, or connect you with a person "
    "from our team. What would you like to do?"
)
SORRY_PREFIX = N_("I'm sorry about the trouble. ")
"""Put before a reply to a task asked for in frustration (ends with a space)."""
THANKS_REPLY = N_("You're welcome! Is there anything else I can help with?")
GOODBYE_REPLY = N_("Thanks for getting in touch. Have a lovely day!")
NOT_UNDERSTOOD_REPLY = N_(
    "Sorry, I didn't quite catch that. I can check where an order is, refund or cancel an "
    "order, change a delivery address, answer questions about our policies, or connect you "
    "with a person."
)
OUT_OF_SCOPE_REPLY = N_("I'm afraid I can't help with that — I'm the shop's support assistant.")
VERIFY_REPLY = N_(
    "To keep your account safe I first need to confirm it's you. "
    "What's the e-mail address on your account?"
)
ASK_ORDER_REPLY = N_(
    "Which order is this about? The order number is in your confirmation e-mail."
)
ASK_ADDRESS_REPLY = N_(
    "What's the new delivery address? Please include the street, city, postcode and country."
)
NO_ARTICLE_REPLY = N_(
    "I couldn't find anything about that in our help articles. "
    "Would you like me to connect you with a person from our team?"
)
ASK_AMOUNT_AGAIN = N_("How much would you like refunded instead?")
HUMAN_REPLY = N_("I've asked a member of our team to join — they'll reply here shortly.")
DROPPED_REPLY = N_("No problem, I'll leave it there. Is there anything else I can help with?")
_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥"}
_FIELD_NAMES = {
    # Translators: parts of a delivery address the customer has not given yet.
    "city": N_("the city"),
    "postcode": N_("the postcode"),
    "country": N_("the country"),
}
_STATUS_NAMES = {
    # Translators: the status of an order, in a list of orders.
    "processing": N_("processing"),
    "shipped": N_("shipped"),
    "delivered": N_("delivered"),
    "cancelled": N_("cancelled"),
}


def _locale() -> str | None:
    """The language to format dates, sums and lists for; None for the English forms."""
    language = active_language()
    return language if language in LANGUAGES and language != DEFAULT_LANGUAGE else None


def format_money(amount: Any, currency: str | None) -> str:
    """Format "20.00" and "USD" as "$20.00" (in English); unknown currencies as "20.00 CAD"."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = None
    locale = _locale()
    if locale and value is not None and value.is_finite():
        if currency:
            return format_currency(value, currency.upper(), locale=locale)
        return format_decimal(value, format="#,##0.00", locale=locale)
    text = f"{value:,.2f}" if value is not None else str(amount)
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
    if locale := _locale():
        return babel_format_date(moment.date(), format="long", locale=locale)
    return f"{moment.day} {moment:%B %Y}"


def join_words(words: list[str]) -> str:
    """Join "a", "b" and "c" as "a, b and c", in the active language."""
    if locale := _locale():
        return format_list(words, locale=locale)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_items(items: list[Any]) -> str:
    """Name an order's items briefly: "Mug", "Mug and Scarf", "Mug and 2 more items"."""
    names = [str(i.get("name") if isinstance(i, dict) else i) for i in items if i]
    if not names:
        return _("your items")
    if len(names) <= 2:
        return join_words(names)
    more = len(names) - 1
    return ngettext(
        "{first} and {count} more item", "{first} and {count} more items", more
    ).format(first=names[0], count=more)


def _shipped_reply(order: dict[str, Any], facts: dict[str, Any]) -> str:
    tracking = order.get("tracking") or {}
    carrier, number = tracking.get("carrier"), tracking.get("number")
    eta = format_date(tracking.get("eta"))
    if carrier and number and eta:
        text = _("Good news — order {order_id} ({items}) has shipped with {carrier}, tracking "
                 "number {number} and should arrive by {date}.")
    elif carrier and number:
        text = _("Good news — order {order_id} ({items}) has shipped with {carrier}, tracking "
                 "number {number}.")
    elif number and eta:
        text = _("Good news — order {order_id} ({items}) has shipped, tracking number {number} "
                 "and should arrive by {date}.")
    elif number:
        text = _("Good news — order {order_id} ({items}) has shipped, tracking number {number}.")
    elif eta:
        text = _("Good news — order {order_id} ({items}) has shipped and should arrive by "
                 "{date}.")
    else:
        text = _("Good news — order {order_id} ({items}) has shipped.")
    return text.format(carrier=carrier, number=number, date=eta, **facts)


def order_status_reply(order: dict[str, Any]) -> str:
    """One or two friendly sentences on an order's status, dates and tracking."""
    status = order.get("status")
    facts = {"order_id": order.get("id"), "items": describe_items(order.get("items") or [])}
    if status == "processing":
        if placed := format_date(order.get("placed_at")):
            # Translators: {items} names the items briefly ("Mug and 2 more items");
            # {date} is a date such as "3 November 2026".
            return _("Order {order_id} ({items}) was placed on {date} and is being prepared — it "
                     "hasn't shipped yet. I'll be here if you need anything else."
                     ).format(date=placed, **facts)
        return _("Order {order_id} ({items}) was placed and is being prepared — it hasn't "
                 "shipped yet. I'll be here if you need anything else.").format(**facts)
    if status == "shipped":
        return _shipped_reply(order, facts)
    if status == "delivered":
        if when := format_date(order.get("delivered_at")):
            return _("Order {order_id} ({items}) was delivered on {date}. If it isn't there, "
                     "let me know and I'll help.").format(date=when, **facts)
        return _("Order {order_id} ({items}) was delivered. If it isn't there, let me know and "
                 "I'll help.").format(**facts)
    if status == "cancelled":
        refunded = order.get("refunded")
        if refunded and Decimal(str(refunded)) > 0:
            money = format_money(refunded, order.get("currency"))
            return _("Order {order_id} ({items}) was cancelled and {amount} was refunded."
                     ).format(amount=money, **facts)
        return _("Order {order_id} ({items}) was cancelled.").format(**facts)
    if status:
        return _("Order {order_id} ({items}) is currently {status}.").format(status=status,
                                                                            **facts)
    return _("Order {order_id} ({items}) is currently being looked at.").format(**facts)


def _status_name(status: Any) -> str:
    known = _STATUS_NAMES.get(str(status))
    return _(known) if known else str(status)


def order_list_reply(orders: list[dict[str, Any]], question: str | None = None) -> str:
    """List orders briefly, one per line, and optionally ask which one is meant.

    Args:
        orders: The orders, as the list_orders tool returns them.
        question: The question to end with, already in the customer's language.
    """
    if not orders:
        return _("I couldn't find any orders on your account.")
    lines = []
    for index, order in enumerate(orders, start=1):
        facts = {
            "index": index,
            "order_id": order["id"],
            "items": describe_items(order.get("items") or []),
            "total": format_money(order.get("total"), order.get("currency")),
            "status": _status_name(order.get("status")),
        }
        if placed := format_date(order.get("placed_at")):
            # Translators: one line of a list of orders, such as
            # "1. 48213 — Mug, $20.00, shipped, placed 3 November 2026".
            line = _("{index}. {order_id} — {items}, {total}, {status}, placed {date}")
        else:
            line = _("{index}. {order_id} — {items}, {total}, {status}")
        lines.append(line.format(date=placed, **facts))
    intro = _("Here are your orders:") if question is None else _("I can see these orders:")
    return "\n".join([intro, *lines, question or _("Would you like details on any of them?")])


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
    if title := best.get("title"):
        # Translators: {title} is the title of a help article, e.g. "Returns".
        return _("From our {title} article: {snippet}").format(title=title, snippet=snippet)
    return _("From our help article: {snippet}").format(snippet=snippet)


def calm_reply(*, with_person: bool) -> str:
    """Acknowledge frustration calmly, and offer a person when one can be reached."""
    if with_person:
        return _("I'm sorry this has been frustrating — I'd like to put it right. Tell me what's "
                 "gone wrong and I'll look into it straight away, or I can connect you with a "
                 "person from our team. Shall I?")
    return _("I'm sorry this has been frustrating — I'd like to put it right. Tell me what's "
             "gone wrong and I'll look into it straight away.")


def product_not_found_reply(product: str) -> str:
    """Say that no listed order holds the product the customer named (ends with a space)."""
    if not product:
        return ""
    return _('I couldn\'t see "{product}" in any of your orders.').format(product=product) + " "


def missing_address_reply(missing: list[str]) -> str:
    """Ask for the address fields still missing."""
    names = [_(_FIELD_NAMES[name]) if name in _FIELD_NAMES else name for name in missing]
    return _("Thanks! Could you also tell me {fields} for the new address?").format(
        fields=join_words(names))
