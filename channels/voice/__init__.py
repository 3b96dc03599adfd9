"""Voice calls through Twilio ConversationRelay: signed calls in, spoken replies out."""

from channels.voice.translate import NAME

__all__ = ["NAME"]
