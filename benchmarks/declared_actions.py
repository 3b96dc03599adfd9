"""Benchmark: how well the offline model takes the business's declared actions on messages it
never saw.

    python benchmarks/declared_actions.py [--heldout benchmarks/heldout_actions] [--misses]

Reads the held-out set (`messages.jsonl`, `orders.json`), written apart from the declarations'
examples and the training corpus. Each message opens the conversation of a verified customer
whose orders are those of `orders.json`; the model's reads (`list_orders`, `get_order`) are
answered from them until it calls one of the declared actions below, calls any other tool,
asks the customer something (no tool call) or has taken `MAX_STEPS` steps. Prints, per action
and per language, the share of messages on which the right action was called; for the control
messages, the share not taken as any of these actions (the rest are false takeovers); the
accuracy of the arguments when the right action was called (the order, the item, the variant,
the reason and the amount, each where the message gives it); and what the model did instead
when it did not call the right action. With `--misses`, every miss (keep the misses of the
default set unseen, so that it stays held out). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage, ToolMessage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import DEFAULTS_DIR  # noqa: E402
from graph.catalogs import speaking  # noqa: E402
from graph.classifier import normalize, read_corpus  # noqa: E402
from graph.declarations.loading import load_actions  # noqa: E402
from graph.offline.declared import PREFIX  # noqa: E402
from graph.offline.model import OfflineChatModel  # noqa: E402
from graph.offline.state import STATE_KEY  # noqa: E402
from graph.prompts import system_prompt  # noqa: E402
from graph.tools import READ_TOOLS, agent_tools  # noqa: E402

HELDOUT = Path(__file__).resolve().parent / "heldout_actions"
ACTIONS = ("start_return", "exchange_item", "reship_order", "resend_invoice", "goodwill_credit")
CONTROL = "control"
MAX_STEPS = 4
"""Model steps per conversation: reads answered, then the step that acts or asks."""
ARGUMENTS = ("order", "item", "variant", "reason", "amount")
"""The held-out fields checked against the call, where the message gives them."""
CHECKED = {  # which of those fields each action's call carries
    "start_return": ("order", "item"),
    "exchange_item": ("order", "item", "variant"),
    "reship_order": ("order", "reason"),
    "resend_invoice": ("order",),
    "goodwill_credit": ("amount",),
}
CENT = Decimal("0.01")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _orders(path: Path, now: datetime) -> list[dict[str, Any]]:
    """The held-out orders as `list_orders` and `get_order` return them, dated from now."""
    data = json.loads(path.read_text(encoding="utf-8"))
    orders = []
    for o in data["orders"]:
        days = o.get("delivered_days_ago")
        delivered = now - timedelta(days=days) if days is not None else None
        placed = (delivered - timedelta(days=4) if delivered is not None
                  else now - timedelta(days=3 if o["status"] == "shipped" else 1))
        total = Decimal(o["total"])
        share = (total / max(len(o["items"]), 1)).quantize(CENT, ROUND_HALF_UP)
        items = [{"sku": f"SKU-{o['id']}-{n}", "name": line["name"], "qty": 1,
                  "unit_price": f"{share:.2f}", "variant": line.get("variant"),
                  "variants": list(line.get("variants") or [])}
                 for n, line in enumerate(o["items"], start=1)]
        order = {"id": o["id"], "status": o["status"], "total": f"{total:.2f}",
                 "currency": o.get("currency", "EUR"), "refunded": "0.00",
                 "placed_at": _iso(placed),
                 "delivered_at": _iso(delivered) if delivered is not None else None,
                 "items": items, "tracking": None}
        if o.get("invoice"):
            order["invoice"] = {"number": f"INV-{o['id']}",
                                "url": f"https://shop.example/invoices/{o['id']}.pdf"}
        orders.append(order)
    return orders


def _read(call: dict[str, Any], orders: list[dict[str, Any]]) -> dict[str, Any]:
    """What a read returns for the customer's orders."""
    if call["name"] == "list_orders":
        return {"orders": orders}
    wanted = str(call["args"].get("order_id", "")).strip().lstrip("#").upper()
    found = next((o for o in orders if o["id"] == wanted), None)
    if found is None:
        return {"error": "not_found",
                "message": f"I couldn't find order {call['args'].get('order_id')} on your account."}
    return {"order": found}


def _converse(model: Any, text: str, language: str,
              orders: list[dict[str, Any]]) -> tuple[str, str | None, dict[str, Any]]:
    """Run one conversation: (outcome, tool called, its args).

    The outcome is `action` (one of ACTIONS called), `tool` (any other tool but a read),
    `asked` (a reply without a tool call) or `steps` (still reading after MAX_STEPS).
    """
    state = {"verified": True, "language": language, "case_notes": []}
    messages: list[BaseMessage] = [SystemMessage(system_prompt(state, "web chat")),
                                   HumanMessage(text)]
    with speaking(language):
        for _ in range(MAX_STEPS):
            reply = model.invoke(messages)
            messages.append(reply)
            calls = reply.tool_calls
            if not calls:  # a question: for a detail of a declared action it is working on?
                working_on = (reply.additional_kwargs.get(STATE_KEY) or {}).get("intent") or ""
                return "asked", working_on.removeprefix(PREFIX) or None, {}
            acting = next((c for c in calls if c["name"] in ACTIONS), None)
            if acting is not None:
                return "action", acting["name"], dict(acting["args"])
            other = next((c for c in calls if c["name"] not in READ_TOOLS), None)
            if other is not None:
                return "tool", other["name"], dict(other["args"])
            for call in calls:
                messages.append(ToolMessage(json.dumps(_read(call, orders)),
                                            tool_call_id=call["id"]))
    return "steps", None, {}


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ".").strip()).quantize(CENT)
    except (InvalidOperation, ValueError):
        return None


def _arguments_right(item: dict[str, Any], args: dict[str, Any],
                     sku_names: dict[str, str]) -> dict[str, bool]:
    """For each field the held-out message gives and the action carries, whether it is right."""
    right = {}
    for field in CHECKED[item["intent"]]:
        expected = item.get(field)
        if not expected:
            continue
        if field == "order":
            got = str(args.get("order_id", "")).strip().lstrip("#").upper()
            right[field] = got == expected.upper()
        elif field == "item":
            sku = str(args.get("sku", "")).strip()
            name = sku_names.get(sku.upper(), sku)
            right[field] = name.casefold() == expected.casefold()
        elif field == "variant":
            right[field] = str(args.get("variant", "")).strip().casefold() == expected.casefold()
        elif field == "reason":
            right[field] = str(args.get("reason", "")).strip().lower() == expected
        elif field == "amount":
            right[field] = _decimal(args.get("amount")) == _decimal(expected)
    return right


def _percent(hits: int, total: int) -> str:
    return f"{hits / total:6.1%} ({hits}/{total})" if total else "     -"


def _instead(outcome: str, name: str | None) -> str:
    """How a message not given the right action ended, in a word or two."""
    if outcome == "action":
        return f"wrong:{name}"
    if outcome == "tool":
        return str(name)
    if outcome == "asked" and name:
        return f"asked ({name})"
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--misses", action="store_true", help="print every miss")
    args = parser.parse_args()
    items = [json.loads(line) for line in
             (args.heldout / "messages.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    orders = _orders(args.heldout / "orders.json", datetime.now(UTC))
    sku_names = {line["sku"].upper(): line["name"] for o in orders for line in o["items"]}

    declared = load_actions(DEFAULTS_DIR / "actions.toml")
    missing = [name for name in ACTIONS if name not in {d.name for d in declared}]
    if missing:
        sys.exit(f"not declared in {DEFAULTS_DIR / 'actions.toml'}: {', '.join(missing)}")
    seen = {normalize(text) for _, _, text in read_corpus()}
    seen |= {normalize(example) for d in declared for example in d.examples}
    shared = sum(normalize(item["text"]) in seen for item in items)
    print(f"held-out messages also among the corpus or the declared examples: {shared}")
    model = OfflineChatModel().bind_tools(agent_tools(declared))

    by_both: dict[tuple[str, str], list[bool]] = defaultdict(list)
    by_intent: dict[str, list[bool]] = defaultdict(list)
    by_language: dict[str, list[bool]] = defaultdict(list)
    instead: dict[str, Counter[str]] = defaultdict(Counter)
    arguments: dict[str, list[bool]] = defaultdict(list)
    arguments_by_action: dict[tuple[str, str], list[bool]] = defaultdict(list)
    complete: list[bool] = []
    misses: list[str] = []
    understood: dict[str, list[bool]] = defaultdict(list)
    """Per action: called, or recognised with a question for a detail the message lacks."""
    for item in items:
        outcome, name, call_args = _converse(model, item["text"], item["lang"], orders)
        intent = item["intent"]
        if intent == CONTROL:
            right = outcome != "action"
        else:
            right = outcome == "action" and name == intent
        by_both[(intent, item["lang"])].append(right)
        by_intent[intent].append(right)
        if intent != CONTROL:
            by_language[item["lang"]].append(right)
        if intent != CONTROL:
            understood[intent].append(right or (outcome == "asked" and name == intent))
        if not right:
            instead[intent][_instead(outcome, name)] += 1
            misses.append(f"{intent:15} {item['lang']} -> {_instead(outcome, name)} "
                          f"{call_args or ''}: {item['text']}")
            continue
        if intent == CONTROL:
            continue
        checked = _arguments_right(item, call_args, sku_names)
        complete.append(all(checked.values()))
        for field, ok in checked.items():
            arguments[field].append(ok)
            arguments_by_action[(intent, field)].append(ok)
            if not ok:
                misses.append(f"{intent:15} {item['lang']} {field} {item[field]} -> "
                              f"{call_args}: {item['text']}")

    codes = sorted({item["lang"] for item in items})
    actions = [name for name in ACTIONS if by_intent.get(name)]
    print(f"messages: {sum(len(by_intent[a]) for a in actions)} asking for an action, "
          f"{len(by_intent.get(CONTROL, []))} controls\n")
    print("Right action called: all languages, then each")
    print(f"  {'':16} {'all':>16}  " + "  ".join(f"{code:>6}" for code in codes))
    for intent in actions:
        results = by_intent[intent]
        cells = "  ".join(f"{sum(r)}/{len(r)}".rjust(6) if (r := by_both[(intent, code)])
                          else "     -" for code in codes)
        print(f"  {intent:16} {_percent(sum(results), len(results)):>16}  {cells}")
    every = [ok for intent in actions for ok in by_intent[intent]]
    cells = "  ".join(f"{sum(r)}/{len(r)}".rjust(6) if (r := by_language[code]) else "     -"
                      for code in codes)
    print(f"  {'all actions':16} {_percent(sum(every), len(every)):>16}  {cells}")

    print("\nUnderstood: the action called, or recognised and a missing detail asked for")
    for intent in actions:
        print(f"  {intent:16} {_percent(sum(understood[intent]), len(understood[intent])):>16}")
    both = [ok for intent in actions for ok in understood[intent]]
    print(f"  {'all actions':16} {_percent(sum(both), len(both)):>16}")

    controls = by_intent.get(CONTROL, [])
    if controls:
        print("\nControls not taken as any of the actions")
        cells = "  ".join(f"{sum(r)}/{len(r)}".rjust(6) if (r := by_both[(CONTROL, code)])
                          else "     -" for code in codes)
        print(f"  {'kept':16} {_percent(sum(controls), len(controls)):>16}  {cells}")
        taken = len(controls) - sum(controls)
        print(f"  false takeovers  {_percent(taken, len(controls)):>16}  "
              + ", ".join(f"{name} {count}" for name, count in
                          sorted(instead[CONTROL].items())))

    print("\nArguments right when the right action was called (where the message gives them)")
    for field in ARGUMENTS:
        results = arguments.get(field, [])
        if not results:
            continue
        parts = ", ".join(f"{intent} {sum(r)}/{len(r)}" for intent in actions
                          if (r := arguments_by_action.get((intent, field))))
        print(f"  {field:16} {_percent(sum(results), len(results)):>16}   ({parts})")
    print(f"  {'every one given':16} {_percent(sum(complete), len(complete)):>16}   "
          "(right calls whose given arguments are all right)")

    print("\nWhat the model did instead, when it did not call the right action")
    for intent in actions:
        if instead[intent]:
            print(f"  {intent:16} " + ", ".join(f"{what} {count}" for what, count in
                                               instead[intent].most_common()))
    if args.misses:
        print("\nMisses:")
        for line in misses:
            print("  " + line)


if __name__ == "__main__":
    main()
