"""The business's actions as declarations: what each one takes, when it applies, how it is
stated, carried out and verified.

- `model`: the declarations themselves and the set of them the agent runs with.
- `loading`: reading a declarations file (TOML or YAML), and checking it against the backend.
- `reading`: one entry of the file, checked field by field.
- `arguments`: an action's arguments checked against its declaration and the order.
- `templates`: filling a declared sentence with an action's values.
"""
