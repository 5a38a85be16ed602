"""The rep's own details (name, company, offer, phone), set once and used by every call script.

A small YAML file at `settings.profile_path()`, read with libyaml's safe loader and written with
the safe dumper, readable by its owner only (0600): it holds a phone number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError

from dealcoach import settings
from dealcoach.errors import DealcoachError
from dealcoach.safetext import one_line_input

ProfileText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                        BeforeValidator(one_line_input)]  # no terminal escapes in a call script
FIELDS = ("name", "company", "offer", "phone")


class ProfileError(DealcoachError):
    """The profile file cannot be read, parsed or written."""


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ProfileText | None = None
    company: ProfileText | None = None
    offer: ProfileText | None = None
    phone: ProfileText | None = None

    def is_empty(self) -> bool:
        return not any(getattr(self, key) for key in FIELDS)

    def complete(self) -> bool:
        """Enough to introduce yourself on a call: name, company and offer."""
        return bool(self.name and self.company and self.offer)


def load_profile(path: Path | None = None) -> Profile:
    """The saved profile; an empty one when none was saved yet (then YAML is not even imported)."""
    path = path or settings.profile_path()
    if not path.exists():
        return Profile()
    from dealcoach.yamlfile import load_model

    return load_model(path, Profile, ProfileError, "a profile is a mapping (name:, company:, offer:, phone:)")


def updated_profile(profile: Profile, changes: dict[str, str | None]) -> Profile:
    """The profile with `changes` applied; an empty string clears a field."""
    data = profile.model_dump()
    for key, value in changes.items():
        if key not in FIELDS:
            raise ProfileError(f"{key}: not a profile field (fields: {', '.join(FIELDS)})")
        if value is not None:
            data[key] = value.strip() or None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise ProfileError(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def save_profile(profile: Profile, path: Path | None = None) -> Path:
    """Write the profile atomically; the file is created 0600, whatever the umask."""
    import yaml

    path = path or settings.profile_path()
    body = yaml.dump(profile.model_dump(exclude_none=True), Dumper=yaml.CSafeDumper, allow_unicode=True,
                     sort_keys=False, default_flow_style=False)
    from dealcoach.files import write_atomic

    try:
        return write_atomic(path, body, private_parents=True)
    except DealcoachError as exc:
        raise ProfileError(exc.message) from None
