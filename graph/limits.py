"""How much of a customer's message the readers of text look at."""

MAX_PARSED_CHARS = 4_000
"""Each parser reads at most this many characters of a message (as many as a channel lets
through by default), so that one long message costs no more than any other."""
