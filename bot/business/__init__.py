"""The business's systems: the demo store, an HTTP backend, and the help articles."""
