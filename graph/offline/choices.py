"""Picking one of a few values from a customer's words: an enum of a declared argument ("it
never arrived" -> lost), or another variant of an item ("a large", "in blue", "size 42")."""

from __future__ import annotations

from collections.abc import Sequence

from graph.limits import MAX_PARSED_CHARS
from graph.offline.glossary import concepts
from graph.offline.intents import fold_accents, tokenize

COLOURS: dict[str, str] = {
    "black": "negro negra negros negras schwarz schwarze schwarzen noir noire noirs preto preta",
    "white": "blanco blanca weiss weisse weissen blanc blanche branco branca",
    "blue": "azul blau blaue blauen bleu bleue",
    "red": "rojo roja rot rote roten rouge vermelho vermelha",
    "green": "verde grun grune grunen vert verte",
    "grey": "gray gris grau graue grauen grise cinza cinzento cinzenta",
    "navy": "marino marine marineblau",
    "pink": "rosa rosado rosada rose",
    "brown": "marron braun braune brun brune castanho castanha",
    "yellow": "amarillo amarilla gelb gelbe jaune amarelo amarela",
    "purple": "morado morada lila violett violet roxo roxa",
    "orange": "naranja laranja",
    "beige": "crema creme",
}
"""Colours and what they are called in the other four languages."""
SIZES: dict[str, str] = {
    "xs": "extra_small xsmall",
    "s": "small pequeno pequena pequeño pequeña klein kleine petit petite",
    "m": "medium mediano mediana mittel mittlere moyen moyenne medio media",
    "l": "large grande gross grosse grand",
    "xl": "extra_large xlarge",
}
"""Sizes by their letter, and what they are called."""
LARGER = frozenset("bigger larger grosser grossere mayor maior size_up next_size "
                   "plus_grand mais_grande mas_grande".split())
SMALLER = frozenset("smaller kleiner kleinere menor size_down plus_petit mas_pequeno "
                    "mais_pequeno".split())


def _names(table: dict[str, str]) -> dict[str, set[str]]:
    return {key: {key, *(" ".join(w.split("_")) for w in fold_accents(words).split())}
            for key, words in table.items()}


_COLOUR_NAMES = _names(COLOURS)
_SIZE_NAMES = _names(SIZES)


def _said(text: str) -> set[str]:
    """The message's words and pairs of words."""
    words = [token.text for token in tokenize(text[:MAX_PARSED_CHARS])]
    return {*words, *(" ".join(pair) for pair in zip(words, words[1:], strict=False))}


def _spellings(value: str) -> set[str]:
    """What a customer may write for a value: the value itself, and a colour's or a size's
    other names."""
    key = " ".join(token.text for token in tokenize(value))
    names = {key}
    names |= _COLOUR_NAMES.get(key, set()) | _SIZE_NAMES.get(key, set())
    names |= {name for size, spelled in _SIZE_NAMES.items() if key in spelled
              for name in spelled | {size}}
    return {name for name in names if name}


def enum_value(text: str, values: Sequence[str]) -> str | None:
    """The one value of an enum the text names, by its word or the concept it stands for
    ("never arrived" names `lost`, "smashed" names `damaged`); None when none or several."""
    said = _said(text)
    named = set(concepts(text))
    found = [value for value in values
             if _spellings(value) & said or set(concepts(value.replace("_", " "))) & named]
    return found[0] if len(found) == 1 else None


def variant_named(text: str, variants: Sequence[str], current: str | None = None) -> str | None:
    """The variant the customer asks for: one they name other than the one they have, or the
    next larger or smaller one in the list ("a size bigger").

    Args:
        text: The customer's message.
        variants: The item's variants, in the shop's order.
        current: The variant the customer has, if known.
    """
    said = _said(text)
    matched = {variant: _spellings(variant) & said for variant in variants}
    pairs = {word for found in matched.values() for pair in found if " " in pair
             for word in pair.split()}
    named = [variant for variant, found in matched.items() if found - pairs]
    wanted = [variant for variant in named if variant != current]
    if len(wanted) == 1:
        return wanted[0]
    if wanted or current not in variants:
        return None
    index = list(variants).index(str(current))
    if said & LARGER and index + 1 < len(variants):
        return variants[index + 1]
    if said & SMALLER and index > 0:
        return variants[index - 1]
    return None
