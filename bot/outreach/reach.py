"""Where to reach a customer when Caseloop writes first."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.identity.links import customer_thread
from bot.runtime.contacts import last_contact
from bot.storage.database import Database
from graph.backend import Customer

WHATSAPP = "whatsapp"
SMS = "sms"
PHONE_CHANNELS = (WHATSAPP, SMS)
"""Channels whose address is the phone on file, in the order they are tried for it."""
TEXT_ONLY_CHANNELS = frozenset(PHONE_CHANNELS)
"""Channels without buttons: an offer's options are read in its question ("Reply 1 to …")."""
LIVE_ONLY_CHANNELS = frozenset({"voice"})
"""Channels whose address lasts only as long as a conversation (a call's sid): never written
to later (outreach calls place a new call instead, see `bot/outreach/calls.py`)."""


@dataclass(frozen=True)
class Reach:
    """A channel and the customer's address on it."""

    channel: str
    address: str


async def reach_for(database: Database, customer: Customer,
                    channels: Collection[str]) -> Reach | None:
    """The channel to write to, among the ones configured.

    In order: the customer record's `preferred_channel` (at an address linked to them there, or
    for WhatsApp and SMS the phone on file); the channel they last wrote on; the address most
    recently linked to them; WhatsApp, then SMS, at the phone on file. None when there is no
    way to reach them. A call's sid is never a way to reach them.
    """
    channels = [channel for channel in channels if channel not in LIVE_ONLY_CHANNELS]
    linked = await _linked_addresses(database, customer.id)
    preferred = (customer.model_extra or {}).get("preferred_channel")
    if isinstance(preferred, str) and preferred in channels:
        address = linked.get(preferred) or (
            customer.phone if preferred in PHONE_CHANNELS else None)
        if address:
            return Reach(preferred, address)
    contact = await last_contact(database, customer_thread(customer.id))
    if contact is not None and contact[0] in channels:
        return Reach(*contact)
    for channel, address in linked.items():
        if channel in channels:
            return Reach(channel, address)
    for channel in PHONE_CHANNELS:
        if channel in channels and customer.phone:
            return Reach(channel, customer.phone)
    return None


async def _linked_addresses(database: Database, customer_id: str) -> dict[str, str]:
    """The customer's most recently linked address on each channel, newest channel first."""
    rows = await database.fetchall(
        "SELECT channel, address FROM links WHERE customer_id = ? ORDER BY verified_at DESC",
        (customer_id,))
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(row["channel"], row["address"])
    return found
