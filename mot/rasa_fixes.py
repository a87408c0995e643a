"""Fixes to Rasa 3.6 that the Rasa server of this project runs with, installed once per process.

``RemoteAction._validate_action_result`` checks every action server response with
``jsonschema.validate``. That function first re-validates the response *schema* against the JSON
Schema meta-schema, on every call. With the moment tagger running ``action_validate_slot_mappings``
after every customer message, profiling the Rasa server (py-spy, `bench/engine_overhead.py`'s
load) showed over a third of its message-handling time in that schema check. The fix builds the
validator once and validates each response with it: the same schema, the same errors, the same
message appended to them.

``install()`` is idempotent. ``mot.storage.tracker_store`` calls it, because every Rasa server of
this project loads that tracker store (with or without the MOT engine), so benchmarks compare like
with like.
"""
from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_MARK = "_xiaoshuidi_cached_validator"


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Validator:
    """The validator of Rasa's action-server response schema, with the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Rasa's ``_validate_action_result`` with the validator built once (same errors)."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Replace ``RemoteAction._validate_action_result`` (once)."""
    if getattr(RemoteAction._validate_action_result, _MARK, False):
        return
    setattr(_validate_action_result, _MARK, True)
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]


__all__ = ["ValidationError", "action_response_validator", "install"]
