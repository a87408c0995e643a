"""The cached action-response validator accepts and refuses exactly what Rasa's own check does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from mot import rasa_fixes

RESPONSES = [
    {"events": [{"event": "slot", "name": "moment", "value": "danger"}], "responses": [{"text": "您好"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "followup", "name": "action_listen"}]},
    {"events": [{"event": "slot"}]},  # no name: invalid
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]


@pytest.mark.parametrize("response", RESPONSES)
def test_same_verdict_as_rasa(response) -> None:
    rasa_fixes.install()
    action = RemoteAction("action_validate_slot_mappings", None)
    try:
        validate(response, RemoteAction.action_response_format_spec())
        expected = None
    except ValidationError as error:
        expected = error.message
    if expected is None:
        assert action._validate_action_result(response) is True
    else:
        with pytest.raises(ValidationError) as raised:
            action._validate_action_result(response)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message


def test_install_is_idempotent() -> None:
    rasa_fixes.install()
    patched = RemoteAction._validate_action_result
    rasa_fixes.install()
    assert RemoteAction._validate_action_result is patched
