"""Trained classifiers kept on disk, so that a process starting again reads them in a few
milliseconds instead of training them again (about a second of CPU for the two); the same
folder keeps what else is slow to compute at each start (n-gram counts, the language identifier
uncompressed).

They are kept in `$XDG_CACHE_HOME/caseloop` (else `~/.cache/caseloop`) under a name made from
everything that decides the model: the corpus, the features, the scikit-learn version. A corpus
or a library that changed is a new name, so a stale model is never read. Writing is atomic, and
a folder that cannot be written only means training at each start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

log = logging.getLogger("caseloop")

FORMAT = 1
"""Bumped when what is kept, or how it is read back, changes."""


def cache_dir() -> Path:
    """Where trained classifiers are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "caseloop"


def kept(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays kept at `path` (see `cache_path`), or None."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except FileNotFoundError:
        return None  # none kept yet
    except Exception as problem:  # noqa: BLE001 - a damaged file fails in many ways: build again
        log.info("A kept model at %s could not be read (%s): building it again", path,
                 type(problem).__name__)
        return None


def keep(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Keep a trained classifier's arrays at `path` for the next process (best effort)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, path)
    except OSError as problem:
        log.info("Trained classifiers are not kept on disk (%s): each start trains them", problem)


def cache_path(examples: list[tuple[str, str]], *, words: bool) -> Path:
    """Where a classifier of these examples (and features, and scikit-learn) is kept."""
    # The installed version, read without importing scikit-learn (and SciPy): about a second.
    recipe = json.dumps([FORMAT, version("scikit-learn"), words, examples], ensure_ascii=False)
    digest = hashlib.sha256(recipe.encode("utf-8")).hexdigest()[:24]
    return cache_dir() / f"classifier-{digest}.npz"


def kept_path(kind: str, recipe: object) -> Path:
    """Where something else computed from the corpus (`kind`, e.g. n-gram counts) is kept,
    under a name made from everything that decides it (`recipe`, JSON-serializable)."""
    text = json.dumps([FORMAT, kind, recipe], ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    return cache_dir() / f"{kind}-{digest}.npz"
