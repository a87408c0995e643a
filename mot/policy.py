"""The MOT policy: acts on the moment of the customer's turn, abstains everywhere else.

The moment tagger (``action_validate_slot_mappings``) has set ``moment`` and the survey slots before
any policy predicts. This policy then decides, in this order:

1. the conversation is with a human agent (``handoff_active``) → listen, the assistant stays silent;
   (while Rasa has the conversation paused nothing is predicted at all; this covers the time between
   an agent's resume and hand-back);
2. the turn answered the satisfaction survey → ``action_satisfaction``;
3. a danger moment that is not yet escalated in this danger episode (consecutive danger turns) →
   ``action_escalate``;
4. a closing moment (or a highlight that says thanks or goodbye) after a service moment of this
   session, not yet closed → ``action_close_conversation`` (summary and the rating prompt);
5. right after one of its own actions → listen; after an escalation that offered a call-back → the
   call-back form; after a low rating was stored → the escalation (service recovery).

Everywhere else it abstains (all-zero probabilities) and rules, memoization, TED and forms decide.
Its priority is above RulePolicy's, so its decisions win over the old rules for complaints and
requests for a person, which remain as a fallback when the action server cannot tag. (A turn the
tagger could not tag keeps the moment before it, as a turn whose moment did not change does.)
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class MomentOfTruthPolicy(Policy):
    """Escalates danger once per episode, closes served conversations, stays silent during hand-offs."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # above RulePolicy (6): a danger moment outranks a rule that would answer the intent
            "priority": 7,
            "moment_slot": "moment",
            "handoff_slot": "handoff_active",
            "survey_stage_slot": "satisfaction_stage",
            "survey_slots": ["satisfaction_rating", "problem_resolved", "rating_comment"],
            "resolution_slot": "resolution",
            "escalation_action": "action_escalate",
            "closing_action": "action_close_conversation",
            "survey_action": "action_satisfaction",
            "closing_intents": ["thank", "goodbye"],
            "callback_form": "callback_form",
            "callback_slot": "callback_offered",
            # escalate on danger; set false to only tag (e.g. to compare with the stock policies)
            "escalate": True,
            "close_with_survey": True,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self._own_actions = {
            config["escalation_action"], config["closing_action"], config["survey_action"]
        }

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the decisions follow the moments and the configuration."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        action = self.decide(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(self._default_predictions(domain))
        logger.debug("MomentOfTruthPolicy predicts %s", action)
        # through _prediction so the policy's priority breaks ties with RulePolicy's certain predictions
        return self._prediction(confidence_scores_for(action, 1.0, domain))

    def decide(self, tracker: DialogueStateTracker) -> Optional[Text]:
        """The action this policy insists on next, or None to abstain."""
        config = self.config
        last = _last_user_or_action(tracker)
        if isinstance(last, ActionExecuted):
            return self._after_action(tracker, last.action_name)
        if not isinstance(last, UserUttered):
            return None
        # A customer turn. (After a hand-back the action before it is the escalation, not a listen.)
        if tracker.get_slot(config["handoff_slot"]):
            return ACTION_LISTEN_NAME
        if self._answered_survey(tracker):
            return config["survey_action"]
        turns = _turn_moments(tracker, config["moment_slot"])
        if not turns:
            return None
        moment = turns[-1][1]
        if moment == "danger" and config["escalate"] and not self._escalated_in_episode(tracker, turns):
            return config["escalation_action"]
        if config["close_with_survey"] and self._closing(tracker, moment) and self._served_unclosed(tracker):
            return config["closing_action"]
        return None

    def _after_action(self, tracker: DialogueStateTracker, action: Optional[Text]) -> Optional[Text]:
        """What follows one of this policy's own actions; None after anybody else's."""
        config = self.config
        if action == config["escalation_action"]:
            # nobody online: the call-back offer continues with the phone-number form
            return config["callback_form"] if tracker.get_slot(config["callback_slot"]) else ACTION_LISTEN_NAME
        if action == config["survey_action"]:
            # a rating of 1–2 makes the turn a danger moment: recovery goes to a person
            turns = _turn_moments(tracker, config["moment_slot"])
            if turns and turns[-1][1] == "danger" and config["escalate"] and not self._escalated_in_episode(tracker, turns):
                return config["escalation_action"]
            return ACTION_LISTEN_NAME
        if action in self._own_actions:
            return ACTION_LISTEN_NAME
        return None

    # -- the rules ---------------------------------------------------------------------------------
    def _answered_survey(self, tracker: DialogueStateTracker) -> bool:
        """The tagger set a survey slot for this turn (it only does for an answer)."""
        survey = set(self.config["survey_slots"])
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                return False
            if isinstance(event, SlotSet) and event.key in survey and event.value is not None:
                return True
        return False

    def _escalated_in_episode(self, tracker: DialogueStateTracker, turns: List[tuple]) -> bool:
        """Was the escalation action run since the first turn of the current run of danger turns?"""
        episode_start = len(turns) - 1
        while episode_start > 0 and turns[episode_start - 1][1] == "danger":
            episode_start -= 1
        first_index = turns[episode_start][0]
        return any(
            isinstance(e, ActionExecuted) and e.action_name == self.config["escalation_action"]
            for e in tracker.applied_events()[first_index:]
        )

    def _closing(self, tracker: DialogueStateTracker, moment: Optional[Text]) -> bool:
        intent = tracker.latest_message.intent.get("name") if tracker.latest_message else None
        return moment == "closing" or (moment == "highlight" and intent in self.config["closing_intents"])

    def _served_unclosed(self, tracker: DialogueStateTracker) -> bool:
        """A resolution happened in this session and the conversation was not closed since."""
        served = False
        for event in _session_events(tracker):
            if isinstance(event, SlotSet) and event.key == self.config["resolution_slot"] and event.value:
                served = True
            if isinstance(event, ActionExecuted) and event.action_name == self.config["closing_action"]:
                served = False
        return served


def _session_events(tracker: DialogueStateTracker) -> List[Any]:
    events = list(tracker.events)
    start = 0
    for index, event in enumerate(events):
        if isinstance(event, SessionStarted):
            start = index + 1
    return events[start:]


def _last_user_or_action(tracker: DialogueStateTracker) -> Any:
    for event in reversed(tracker.events):
        if isinstance(event, (UserUttered, ActionExecuted)):
            if isinstance(event, ActionExecuted) and event.action_name == "action_extract_slots":
                continue
            return event
    return None


def _turn_moments(tracker: DialogueStateTracker, moment_slot: Text) -> List[tuple]:
    """[(event index of the user turn, its final moment)] for the customer turns of this session.

    A turn whose moment equals the one before has no SlotSet of its own (the tagger sends only
    changes), so each turn starts with the slot's value so far. Indices are into
    ``tracker.applied_events()``: a turn a fallback reverted (``UserUtteranceReverted``) and its
    SlotSets are gone, as they are from the slot the tagger compared with."""
    turns: List[list] = []
    current: Optional[Text] = None
    for index, event in enumerate(tracker.applied_events()):
        if isinstance(event, SessionStarted):
            turns, current = [], None  # a new session starts with fresh slots
        elif isinstance(event, UserUttered):
            turns.append([index, current])
        elif isinstance(event, SlotSet) and event.key == moment_slot:
            current = event.value
            if turns:
                turns[-1][1] = current
    return [tuple(t) for t in turns]
