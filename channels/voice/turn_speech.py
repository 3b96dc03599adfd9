"""What a call said in answer to one of the caller's turns, reply by reply, and what the
caller heard of it when they cut in.

Replies are said in their order: some ahead of their delivery, while the model writes them
(always the first replies of the turn), the rest when they are delivered. When the caller
cuts in, Twilio reports the words they heard; they are laid over the replies in the order
they were said, so each reply knows whether the caller heard all of it, part of it or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REPLIES = 16
"""Replies of one turn that may be said ahead of their delivery; later ones wait for it."""


@dataclass
class Spoken:
    """One reply of the turn, as said into the call."""

    key: str | None
    """The reply's message id when it was said ahead of its delivery."""
    written: str = ""
    """The reply's text: as written so far while said ahead, then as delivered."""
    said_up_to: int = 0
    """How much of `written` was said ahead."""
    truncated: bool = False
    """Only the start of the reply was kept in `written` (it was that long)."""
    spoken: str = ""
    """What was said of it, as sent to be spoken."""
    complete: bool = False
    """Nothing more of it will be said (all of it was, or it reached the length limit)."""
    delivered: bool = False
    superseded: bool = False
    """Said ahead, but what was delivered differs: it has no line of its own."""
    heard: str | None = None
    """What the caller heard of it when they cut in ("" for nothing); None when they heard
    it all, or did not cut in."""


@dataclass
class TurnSpeech:
    """The replies said in answer to one turn of the caller's (`turn`: the id of the message
    they answer; None for a message that answers none, like a colleague's)."""

    turn: str | None
    replies: list[Spoken] = field(default_factory=list)
    cut: bool = False
    """The caller cut in: nothing more of this turn is said."""

    def ahead(self, key: str) -> Spoken | None:
        """The reply with message id `key` said ahead of its delivery (added when new; None
        when nothing more may be said ahead: the caller cut in, delivery began, or too many
        replies were)."""
        for reply in self.replies:
            if reply.key == key:
                return reply
        if (self.cut or len(self.replies) >= MAX_REPLIES
                or any(reply.delivered or reply.superseded for reply in self.replies)):
            return None
        self.replies.append(Spoken(key))
        return self.replies[-1]

    def delivered(self, text: str) -> Spoken:
        """The reply that `text` delivers: the next one said ahead when it is that text; else
        a new one (and what was said ahead beyond it is superseded: said, but with no line)."""
        for reply in self.replies:
            if reply.delivered or reply.superseded:
                continue
            if reply.key is not None and reply.written == text[:len(reply.written)] and (
                    len(text) == len(reply.written) or reply.truncated):
                reply.delivered = True
                return reply
            for later in self.replies[self.replies.index(reply):]:
                later.superseded = not later.delivered
            break
        reply = Spoken(None, written=text, delivered=True)
        if self.cut:
            reply.heard = ""
        self.replies.append(reply)
        return reply

    def more_said_after(self, reply: Spoken) -> bool:
        """Whether a later reply was already said ahead (it then closes what is said)."""
        later = self.replies[self.replies.index(reply) + 1:]
        return any(r.spoken and not r.superseded for r in later)

    def cut_at(self, heard: str) -> list[Spoken]:
        """The caller cut in after hearing `heard`: each reply learns what they heard of it.
        Returns the delivered replies whose words the caller did not all hear.

        The words are laid over the replies from the first one they begin with (Twilio may
        report only what it spoke since it last closed a reply), or over the reply said last
        when they begin none. Replies after the one cut short were not heard.
        """
        self.cut = True
        said = [reply for reply in self.replies if reply.spoken]
        words = _flat(heard)
        start = len(said) - 1
        if words:
            start = next((index for index, reply in enumerate(said)
                          if words.startswith(_flat(reply.spoken))
                          or _flat(reply.spoken).startswith(words)), start)
        cut: Spoken | None = None
        for reply in said[max(start, 0):]:
            spoken = _flat(reply.spoken)
            if reply.complete and words.startswith(spoken):
                words = words[len(spoken):].strip()
                continue
            cut, reply.heard = reply, words
            break
        unheard = False
        for reply in self.replies:
            if reply is cut:
                unheard = True
            elif unheard or not reply.spoken:
                reply.heard = ""
        return [reply for reply in self.replies if reply.delivered and reply.heard is not None]


def _flat(text: str) -> str:
    return " ".join(text.split())
