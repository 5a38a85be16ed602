"""Validate playbook files while writing them: python tools/check_playbook.py playbooks/x.yaml ..."""

import sys
from pathlib import Path

from dealcoach.errors import DealcoachError
from dealcoach.playbook.loader import load_file, validate_paths

status = 0
for path, errors in validate_paths([Path(p) for p in sys.argv[1:]]):
    if errors:
        status = 1
        print(f"{path}: INVALID")
        for line in errors:
            print("  ", line)
    else:
        print(f"{path}: valid")
sys.exit(status)
