"""Interactive flows: a sequence of prompts that ends in one save (the stage walk, the live call).

Apart from the command modules so `cli/` stays parse -> call -> render; a command imports its flow
inside the function that needs it, so `dealcoach --help` never loads prompt_toolkit. Every flow has
a non-interactive path in its command (flags or `--answers`).
"""
