"""The MOT policy's decisions on hand-built trackers."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from mot.policy import MomentOfTruthPolicy
from mot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def policy(tmp_path) -> MomentOfTruthPolicy:
    return make_policy(tmp_path)


def make_policy(tmp_path, **overrides: Any) -> MomentOfTruthPolicy:
    config = {**MomentOfTruthPolicy.get_default_config(), **overrides}
    return MomentOfTruthPolicy.create(
        config, LocalModelStorage(tmp_path), Resource("mot_policy"), ExecutionContext(GraphSchema({}), "test")
    )


def user(intent: str, moment: Optional[str] = None, **slots: Any) -> List:
    events: List = [UserUttered(intent, {"name": intent, "confidence": 0.9})]
    if moment:
        events.append(SlotSet("moment", moment))
    events += [SlotSet(k, v) for k, v in slots.items()]
    return events


def act(name: str, **slots: Any) -> List:
    return [ActionExecuted(name)] + [SlotSet(k, v) for k, v in slots.items()]


def listen() -> List:
    return [ActionExecuted("action_listen")]


def tracker(domain: Domain, *parts: List) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for part in parts:
        events += part
    return DialogueStateTracker.from_events("customer", events, domain.slots)


def predicted(policy: MomentOfTruthPolicy, tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
    prediction = policy.predict_action_probabilities(tracker, domain)
    if max(prediction.probabilities) == 0:
        return None
    assert prediction.policy_priority == 7
    return domain.action_names_or_texts[prediction.max_confidence_index]


def test_abstains_on_ordinary_turns(policy, domain):
    assert predicted(policy, tracker(domain, user("query_bill", "opening")), domain) is None
    assert predicted(policy, tracker(domain, user("inform", "listening")), domain) is None
    assert predicted(policy, tracker(domain, user("query_bill")), domain) is None  # not tagged at all


def test_danger_is_escalated_once_per_episode(policy, domain):
    first = tracker(domain, user("complain", "danger"))
    assert predicted(policy, first, domain) == "action_escalate"
    after = tracker(domain, user("complain", "danger"), act("action_escalate", callback_offered=True))
    assert predicted(policy, after, domain) == "callback_form"
    # still angry on the next turn: the same episode, no second escalation
    again = tracker(domain, user("complain", "danger"), act("action_escalate"), listen(), user("inform", "danger"))
    assert predicted(policy, again, domain) is None
    # calm in between ends the episode; new danger is escalated again
    later = tracker(domain, user("complain", "danger"), act("action_escalate"), listen(),
                    user("inform", "listening"), listen(), user("request_human", "danger"))
    assert predicted(policy, later, domain) == "action_escalate"


def test_a_turn_without_a_moment_event_keeps_the_moment_before(policy, domain):
    """The tagger sends only changed slots: a second danger turn carries no SlotSet of its own."""
    still = tracker(domain, user("complain", "danger"), act("action_escalate"), listen(), user("inform"))
    assert predicted(policy, still, domain) is None  # same episode: no second escalation
    calm_then_danger = tracker(domain, user("query_bill", "listening"), listen(), user("inform"), listen(),
                               user("complain", "danger"))
    assert predicted(policy, calm_then_danger, domain) == "action_escalate"
    # a new session starts without a moment: an untagged first turn is not danger
    new_session = tracker(domain, user("complain", "danger"), act("action_escalate"), listen(),
                          [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
                          user("query_bill"))
    assert predicted(policy, new_session, domain) is None


def test_a_reverted_turn_and_its_moment_do_not_count(policy, domain):
    """A fallback reverts the turn (UserUtteranceReverted): its danger SlotSet goes with it, as it
    does from the slot the tagger compares with, so the next untagged turn is not danger."""
    reverted = tracker(domain, user("query_bill", "listening"), listen(), user("nlu_fallback", "danger"),
                       [ActionExecuted("action_default_fallback"), UserUtteranceReverted()], user("inform"))
    assert predicted(policy, reverted, domain) is None


def test_after_its_own_actions_it_listens(policy, domain):
    paused = tracker(domain, user("request_human", "danger"), act("action_escalate", handoff_active=True))
    assert predicted(policy, paused, domain) == "action_listen"
    closed = tracker(domain, user("thank", "closing"), act("action_close_conversation", satisfaction_stage="rating"))
    assert predicted(policy, closed, domain) == "action_listen"


def test_silent_while_an_agent_has_the_conversation(policy, domain):
    with_agent = tracker(domain, user("request_human", "danger"), act("action_escalate", handoff_active=True),
                         listen(), user("query_bill", "listening"))
    assert predicted(policy, with_agent, domain) == "action_listen"


def test_closing_after_service_asks_for_the_survey(policy, domain):
    served = [*user("query_bill", "opening"), *act("action_show_bill", resolution="bill_shown", moment="service"), *listen()]
    assert predicted(policy, tracker(domain, served, user("thank", "closing")), domain) == "action_close_conversation"
    # a thank-you that is a highlight closes too
    assert predicted(policy, tracker(domain, served, user("thank", "highlight")), domain) == "action_close_conversation"
    # praise alone does not end the conversation
    assert predicted(policy, tracker(domain, served, user("praise", "highlight")), domain) is None


def test_no_survey_without_service_or_twice(policy, domain):
    assert predicted(policy, tracker(domain, user("thank", "closing")), domain) is None
    closed_once = tracker(
        domain, user("query_bill"), act("action_show_bill", resolution="bill_shown"), listen(),
        user("thank", "closing"), act("action_close_conversation"), listen(), user("goodbye", "closing"),
    )
    assert predicted(policy, closed_once, domain) is None
    # a new service after the close makes the next closing eligible again
    served_again = tracker(
        domain, user("query_bill"), act("action_show_bill", resolution="bill_shown"), listen(),
        user("thank", "closing"), act("action_close_conversation"), listen(),
        user("ask_price", "listening"), act("action_explain_price", resolution="price_explained"), listen(),
        user("thank", "closing"),
    )
    assert predicted(policy, served_again, domain) == "action_close_conversation"


def test_survey_answers_go_to_the_survey_action(policy, domain):
    prompt = [*user("thank", "closing"), *act("action_close_conversation", satisfaction_stage="rating"), *listen()]
    answered = tracker(domain, prompt, user("inform", "closing", satisfaction_rating=4))
    assert predicted(policy, answered, domain) == "action_satisfaction"
    # a low rating: the survey action stores it, then the policy escalates
    low = tracker(domain, prompt, user("inform", "danger", satisfaction_rating=1, danger_reasons=["low_rating"]))
    assert predicted(policy, low, domain) == "action_satisfaction"
    stored = tracker(domain, prompt, user("inform", "danger", satisfaction_rating=1),
                     act("action_satisfaction", satisfaction_stage="done"))
    assert predicted(policy, stored, domain) == "action_escalate"
    fine = tracker(domain, prompt, user("inform", "closing", satisfaction_rating=5),
                   act("action_satisfaction", satisfaction_stage="resolved"))
    assert predicted(policy, fine, domain) == "action_listen"


def test_behaviour_is_configurable(tmp_path, domain):
    quiet = make_policy(tmp_path, escalate=False, close_with_survey=False)
    assert predicted(quiet, tracker(domain, user("complain", "danger")), domain) is None
    served = [*user("query_bill"), *act("action_show_bill", resolution="bill_shown"), *listen()]
    assert predicted(quiet, tracker(domain, served, user("thank", "closing")), domain) is None
