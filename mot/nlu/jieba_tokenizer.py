"""Rasa tokenizer for Chinese customer messages, built on ``mot.nlu.segmentation``."""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from mot.nlu.segmentation import load_user_dictionaries, segment


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class WaterJiebaTokenizer(JiebaTokenizer):
    """jieba with the water-domain dictionary, no whitespace tokens and whole numbers.

    It keeps JiebaTokenizer's persistence (the user dictionary is copied into the model), and only
    changes how a message is cut: see ``mot.nlu.segmentation.segment`` for why.
    """

    @staticmethod
    def _load_custom_dictionary(path: Text) -> None:
        load_user_dictionaries(path)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the text of the given attribute of the message."""
        text = message.get(attribute)
        tokens = [Token(word, start) for word, start in segment(text)]
        return self._apply_token_pattern(tokens)
