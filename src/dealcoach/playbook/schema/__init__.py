"""The playbook's Pydantic models, one module per top-level section of the YAML.

Import them from `dealcoach.playbook.models`, which re-exports every name here.
"""
