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
    {"events": None},
    {"events": [None]},
    {"events": [{"event": 5}]},
    {"events": [{"event": ["slot"]}]},  # unhashable type
    {"events": [{"name": "moment"}]},  # no event type
    {"events": [{"event": "slot", "name": "moment", "value": "danger", "timestamp": "yesterday"}]},
    {"events": [{"event": "slot", "name": 7, "value": None}]},
    {"events": [{"event": "bot", "text": "您好", "metadata": {"utter_action": "utter_greet"}}, {"event": "pause"}]},
    {"events": [{"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0}]},
    {"events": [{"event": "slot", "name": "moment", "value": "danger", "metadata": "not an object"}]},
    {"events": [{"event": "user", "text": "你好", "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}}]},
    {"events": [{"event": "reminder", "intent": "x", "date_time": "2026-12-02T10:00:00"}], "extra": 1},
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


def test_the_per_type_check_is_built_for_rasas_schema() -> None:
    """The fast path exists: Rasa 3.6's events schema has the shape it relies on."""
    validators = rasa_fixes._per_event_type_validators()
    assert validators is not None
    by_type, _ = validators
    assert {"slot", "bot", "user", "action", "pause", "resume", "followup"} <= set(by_type)


def test_install_is_idempotent() -> None:
    rasa_fixes.install()
    patched = RemoteAction._validate_action_result
    rasa_fixes.install()
    assert RemoteAction._validate_action_result is patched
