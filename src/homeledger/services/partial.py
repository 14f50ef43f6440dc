"""Input where a field left out means "leave it as it is": what a form or an API body sets."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

UNSET = object()  # a field the person did not send


@dataclass
class PartialInput:
    """Base of a service's input: its fields default to UNSET, and ``given`` names the
    fields that were sent (None included), so an edit changes those and nothing else."""

    given: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.given = {f.name for f in fields(self) if f.init and getattr(self, f.name) is not UNSET}
