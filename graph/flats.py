"""A flat, floor or door in a postal address ("Apt 5", "3º B", "Flat 3, 14 Harbour Road")."""

from __future__ import annotations

import re

from graph.postcodes import postcode_in

_FLAT_WORDS = (
    r"apt|apartment|apartamento|apto|ap|appt|appartement|suite|ste|unit|flat|floor|fl|room|"
    r"building|bldg|bloco|bloque|bl|bâtiment|batiment|bât|bat|étage|etage|escalier|esc|escalera|"
    r"porte|puerta|pta|piso|planta|dpto|depto|departamento|interior|int|wohnung|whg|stock|"
    r"stiege|stg|tür|tuer|top|andar|sala|conjunto|cj|col|colonia|lote|#"
)
FLAT = re.compile(
    rf"(?:(?:{_FLAT_WORDS})\.?(?![^\W\d])\s?(?:n[º°o]\.?\s?)?[\w/-]{{1,8}}"
    r"|\d{1,2}\s?[º°ª](?:\s?(?:[a-z]{1,4}|izquierda|derecha|esquerdo|direito)(?![^\W\d])"
    r"|\s\d{1,2}(?:\s?[º°ª]|(?!\w)))?"
    r"|\d{1,2}(?:\.|er|e|ème|st|nd|rd|th)\s?(?:og|stock|etage|étage|floor|piso|andar)(?!\w))",
    re.I,
)
"""A flat, floor or door: "Apt 5", "apto 52", "3º B", "2º izq", "3. OG", "appartement 4"."""
_FLAT_AT_END = re.compile(
    rf"(?<![^\W\d])(?:(?:{_FLAT_WORDS})\.?(?![^\W\d])\s?(?:n[º°o]\.?\s?)?[\w/-]{{1,8}}"
    r"|\d{1,2}(?:st|nd|rd|th|er|e|ème|\.)?\s?(?:floor|fl|og|stock|etage|étage|piso|andar))$",
    re.I)


def flat_at_start(segment: str, whole: bool) -> tuple[str | None, str]:
    """A flat at the start of a segment, and the rest of it: "3º B 28013 Madrid".

    A part of its own that starts with a word for a flat is that flat whole ("apto 52",
    "Col. Roma Norte") unless a postcode follows in it.
    """
    match = FLAT.match(segment)
    if match is None:
        return None, segment
    if whole and not segment[0].isdigit() and postcode_in(segment) is None:
        return segment, ""
    return match.group().strip(), segment[match.end():].strip()


def flat_before(head: str) -> str | None:
    """A flat written before the street: "Flat 3, 14 Harbour Road"."""
    head = head[-60:].rstrip(" ,")
    match = _FLAT_AT_END.search(head)
    return match.group().strip() if match else None
