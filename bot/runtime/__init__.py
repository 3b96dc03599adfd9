"""The runtime: a stored message through one turn to delivered replies, on one or more processes."""
