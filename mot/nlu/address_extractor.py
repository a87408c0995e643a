"""Rule-based extraction of Chinese street addresses with spaCy, as a Rasa 3.6 entity extractor.

Customers of 清江水务 give addresses in many shapes: "江南名城3栋五楼", "阳光花园12号楼2单元302室",
"幸福路与解放路交叉口往东100米", "老城区菜市场后面那排平房", "翠湖苑北门那栋", "和平新村7组". DIET learns
these from examples, but it needs many of them, it cuts long spans short and it misses estates it has not
seen. Their structure, however, is regular: an *anchor* (a known estate, road or village, a landmark, a
crossing of two roads, or a numbered building) followed by a *continuation* (numbers with 栋/单元/室/层/号/组,
a gate, a relation such as 后面/对面, a short description such as 那排平房, a direction and a distance).

``AddressEntityExtractor`` encodes that structure as token patterns of a spaCy ``EntityRuler`` on a blank
``zh`` pipeline. Its tokenizer is the project's segmentation (``mot.nlu.segmentation.segment``, jieba with
the water-domain dictionaries), so entity boundaries fall where the Rasa tokenizer's do, and character
offsets are exact. Gazetteer names (districts, estates, roads, landmarks) are kept as single tokens even
where jieba cuts them, so one token test recognises them. The ruler keeps the longest match; the matches
are then trimmed of trailing filler ("的", "往前走", "附近", a number followed by "天"). A district followed
by more address text is part of the ``address``; a district alone is a ``district``.

The gazetteer comes from ``data/lookups`` and, when ``learn_from_training_data`` is on, from place names
found inside the ``address`` annotations of the NLU data. Gazetteer and patterns are persisted as JSON
in the model, with the jieba dictionaries, so a loaded model extracts exactly what the trained one did.
"""
from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Text, Tuple

import rasa.shared.utils.io
import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from mot.nlu.fingerprint import files_fingerprint
from mot.nlu.segmentation import load_user_dictionaries, segment

logger = logging.getLogger(__name__)

CJK = "\u4e00-\u9fff"
# Arabic (half and full width) and Chinese numerals, including the financial forms.
NUMERALS = "0-9０-９零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾"
NEVER = "(?!)"  # a regex that matches nothing, for empty word lists
# first characters of words that make a preceding number a quantity, a time or a date (3天, 12吨)
MEASURE_WORD_STARTS = frozenset("天点个次吨方块元月年周小分秒日岁多遍度位人斤毛角万千倍")

# Gazetteer categories, the keys of ``lookup_files`` and of the persisted gazetteer.
DISTRICT, ESTATE, ROAD, LANDMARK = "district", "estate", "road", "landmark"
CATEGORIES = (DISTRICT, ESTATE, ROAD, LANDMARK)

# Kinds of match, the ``id`` of the ruler's patterns; each has its own confidence.
KIND_DISTRICT = "district"
KIND_PLACE = "place"  # a gazetteer estate/road/village + continuation
KIND_INTERSECTION = "intersection"  # 幸福路与解放路交叉口…
KIND_LANDMARK = "landmark"  # 菜市场后面那排平房
KIND_GENERIC = "generic"  # an unknown 银杏小区 / 枫桥路 / 李家村 followed by numbers or a gate
KIND_BUILDING = "building"  # 3号楼502, 5栋1单元601 without a named place

# Continuation tokens inside a ruler pattern. spaCy's matcher expands ``{0,n}`` into n optional
# states and its cost grows steeply with n (10k tokens: n=6 takes 0.2 s, n=12 takes 3 s), so
# patterns carry a short tail and ``_resolve`` extends it in linear time up to ``max_address_tokens``.
RULER_TAIL = 6

PATTERNS_FILE = "address_extractor.json"
DICTIONARY_DIR = "jieba"
FORMAT_VERSION = 1


def _alternation(words: Iterable[Text]) -> Text:
    """Regex alternation of ``words``, longest first so that the longest name wins."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique) if unique else NEVER


def _exactly(words: Iterable[Text]) -> Text:
    return rf"^(?:{_alternation(words)})$"


def _any_of(*regexes: Text) -> Text:
    return "|".join(f"(?:{r})" for r in regexes)


@dataclass(frozen=True)
class Gazetteer:
    """Known place names of the service area, by category."""

    district: Tuple[Text, ...] = ()
    estate: Tuple[Text, ...] = ()
    road: Tuple[Text, ...] = ()
    landmark: Tuple[Text, ...] = ()

    @classmethod
    def from_dict(cls, names: Dict[Text, Iterable[Text]]) -> Gazetteer:
        """Builds a gazetteer from ``{category: names}``; unknown categories are ignored."""
        return cls(
            **{
                category: tuple(sorted({n.strip() for n in names.get(category, ()) if n.strip()}))
                for category in CATEGORIES
            }
        )

    @classmethod
    def from_lookup_files(cls, paths: Dict[Text, Optional[Text]]) -> Gazetteer:
        """Reads one name per line (``#`` starts a comment) from each category's file."""
        names: Dict[Text, List[Text]] = {}
        for category, path in (paths or {}).items():
            if not path:
                continue
            if not Path(path).is_file():
                rasa.shared.utils.io.raise_warning(
                    f"Lookup file '{path}' for {category} names does not exist; "
                    f"the address extractor continues without it."
                )
                continue
            lines = Path(path).read_text(encoding="utf-8").splitlines()
            names[category] = [line.split("#")[0].strip() for line in lines]
        return cls.from_dict(names)

    def as_dict(self) -> Dict[Text, List[Text]]:
        return {category: list(getattr(self, category)) for category in CATEGORIES}

    def merged(self, other: Gazetteer) -> Gazetteer:
        return Gazetteer.from_dict(
            {c: getattr(self, c) + getattr(other, c) for c in CATEGORIES}
        )

    def all_names(self) -> Set[Text]:
        return {name for category in CATEGORIES for name in getattr(self, category)}


class SegmentationTokenizer:
    """spaCy tokenizer: the project's jieba segmentation, with gazetteer names as single tokens.

    Tokens are ``segment(text)``'s words, so they match the Rasa tokenizer's. A gazetteer name that
    jieba cut apart ("老/厂/宿舍", "银杏/小区" once learned) is joined into one token, and a token
    that runs over a name's edge is split there; names shorter than ``min_forced_length`` are left to
    jieba, because two-character names occur inside ordinary words too. The ``Doc`` reproduces the
    text exactly: a single space becomes the previous token's trailing space, any other whitespace
    becomes a token of its own, so ``token.idx`` is the character offset in the message.
    """

    def __init__(self, vocab: Vocab, names: Iterable[Text], min_forced_length: int = 3) -> None:
        self.vocab = vocab
        forced = [n for n in names if len(n) >= min_forced_length]
        self._names = re.compile(_alternation(forced)) if forced else None

    def __call__(self, text: Text) -> Doc:
        words, spaces = self.words_and_spaces(text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def token_spans(self, text: Text) -> List[Tuple[int, int]]:
        """(start, end) of every non-whitespace token, after gazetteer names are forced whole."""
        spans = [(start, start + len(word)) for word, start in segment(text)]
        if not self._names or not spans:
            return spans
        covered = bytearray(len(text) + 1)
        cuts: Set[int] = set()
        for start, end in spans:
            covered[start:end] = b"\x01" * (end - start)
            cuts.update((start, end))
        for match in self._names.finditer(text):
            start, end = match.span()
            if not all(covered[start:end]):  # a name never spans whitespace
                continue
            cuts.difference_update(range(start + 1, end))
            cuts.update((start, end))
        ordered = sorted(cuts)
        return [(a, b) for a, b in zip(ordered, ordered[1:]) if covered[a]]

    def words_and_spaces(self, text: Text) -> Tuple[List[Text], List[bool]]:
        words: List[Text] = []
        spaces: List[bool] = []
        position = 0
        for start, end in self.token_spans(text) + [(len(text), len(text))]:
            gap = text[position:start]
            if gap == " " and words:
                spaces[-1] = True
            elif gap:
                words.append(gap)
                spaces.append(False)
            if end > start:
                words.append(text[start:end])
                spaces.append(False)
            position = end
        return words, spaces


class AddressGrammar:
    """Token classes and ``EntityRuler`` patterns of the address grammar.

    Every class is a regex over one token's text, built from the component's configuration and the
    gazetteer. The same classes drive the patterns (at training) and the trimming of matches (at
    inference), so both agree on what a unit, a relation or a filler word is.
    """

    def __init__(self, config: Dict[Text, Any], gazetteer: Gazetteer) -> None:
        self.config = config
        self.gazetteer = gazetteer
        units = config["unit_words"]
        building_units = config["building_unit_words"]
        unit_body = rf"[{NUMERALS}A-Za-z第]*(?:(?:{_alternation(units)})[{NUMERALS}A-Za-z]*)+"
        estate_suffixes = config["estate_suffixes"]
        single_char_suffixes = [s for s in estate_suffixes if len(s) == 1]
        longer_suffixes = [s for s in estate_suffixes if len(s) > 1]
        directions = _alternation(config["direction_words"])
        landmarks = list(config["landmark_words"]) + list(gazetteer.landmark)

        self.regex: Dict[Text, Text] = {
            "city": _exactly(config["city_names"]),
            "district": _exactly(gazetteer.district),
            "place": _exactly(gazetteer.estate + gazetteer.road),
            "road": _exactly(gazetteer.road),
            # a landmark word, possibly with a short name glued in front (人民医院, 中山公园)
            "landmark": rf"^[{CJK}]{{0,4}}(?:{_alternation(landmarks)})$",
            # a house, building or room number: 12, 五零二, 第六, A, B2 — never a phone or an account
            "number": rf"^(?:第?[{NUMERALS}]{{1,5}}|[A-Za-z][0-9]{{0,4}}|[0-9]{{1,4}}[A-Za-z]|第)$",
            # numbers glued to units as jieba leaves them: 号楼, 栋五楼, 三号, 楼四, 二组, A座
            "unit": rf"^{unit_body}$",
            "building": rf"^(?=.*(?:{_alternation(building_units)})){unit_body}$",
            "numbered_building": (
                rf"^(?=.*(?:{_alternation(building_units)}))(?=.*[{NUMERALS}A-Za-z]){unit_body}$"
            ),
            "connector": r"^[-－—–~～/#之]$",
            # spaces and tabs (a single space is not a token); a line break ends an address
            "space": r"^[ \t\u3000\u00a0]+$",
            "gate": r"^[东南西北正大后侧前小]{0,2}门口?$",
            "relation": _exactly(config["relation_words"]),
            "vague": _exactly(config["vague_words"]),
            # 那排, 这栋, 那几栋 — points at a building near the anchor
            "demonstrative": (
                r"^[那这](?:[一二三四五六七八九十两几]{0,2})"
                r"(?:排|栋|幢|座|片|条|间|户|处|块|层|号楼|楼)楼?$"
            ),
            "description": _exactly(config["description_words"]),
            "direction": rf"^(?:往|向|朝)?(?:{directions})(?:边|侧|面|方向|方)?走?$",
            "movement": _exactly(config["movement_words"]),
            "filler": _exactly(config["filler_words"]),
            "distance": rf"^[{NUMERALS}]*(?:米|公里|里地|步|来米|多米)$",
            "of": r"^的$",
            "join": _exactly(config["join_words"]),
            "crossing": _exactly(config["intersection_words"]),
            "estate_suffix": _exactly(estate_suffixes),
            "road_suffix": _exactly(config["road_suffixes"]),
            "ordinal": rf"^第[{NUMERALS}]{{1,4}}$",
            # an unknown estate or village named in one token: 银杏小区, 王庄村 (one-character
            # suffixes need two characters before them: 家里, 城里 are not estates)
            "generic_estate": (
                rf"^(?:[{CJK}]{{2,8}}(?:{_alternation(single_char_suffixes)})"
                rf"|[{CJK}]{{1,8}}(?:{_alternation(longer_suffixes)}))$"
            ),
            "generic_road": rf"^[{CJK}]{{1,6}}(?:{_alternation(config['road_suffixes'])})$",
            # a name part in front of a suffix or landmark: 银杏|小区, 实验|小学, 李家|村
            "qualifier": rf"^[{CJK}]{{2,6}}$",
        }
        r = self.regex
        self.regex["continuation"] = _any_of(
            r["number"], r["unit"], r["connector"], r["gate"], r["relation"], r["vague"],
            r["demonstrative"], r["description"], r["direction"], r["movement"], r["filler"],
            r["distance"], r["of"], r["place"], r["landmark"], r["estate_suffix"], r["ordinal"],
            r["crossing"], r["space"],
        )
        # what must follow an unknown place or a landmark for the match to be an address
        self.regex["specific"] = _any_of(
            r["number"], r["unit"], r["gate"], r["relation"], r["demonstrative"], r["ordinal"],
        )
        self.regex["landmark_relation"] = _any_of(
            r["specific"], r["vague"], r["direction"], r["distance"],
        )
        self.regex["trailing_junk"] = _any_of(
            r["of"], r["connector"], r["movement"], r["filler"], r["join"], r["space"],
        )
        self._compiled = {name: re.compile(regex) for name, regex in self.regex.items()}
        self.stop_words = sorted(
            set(config["stop_words"])
            | set(config["relation_words"])
            | set(config["vague_words"])
            | set(config["movement_words"])
            | set(config["landmark_words"])
            | set(estate_suffixes)
        )
        self.road_stop_words = sorted(set(config["road_stop_words"]) | set(self.stop_words))

    def is_a(self, token_class: Text, text: Text) -> bool:
        """Whether one token's text belongs to ``token_class``."""
        return self._compiled[token_class].search(text) is not None

    def boundary_names(self) -> List[Text]:
        """Names the tokenizer keeps whole: the gazetteer, the city and the landmark words."""
        return sorted(
            self.gazetteer.all_names()
            | set(self.config["city_names"])
            | set(self.config["landmark_words"])
        )

    # ----------------------------------------------------------------------------- patterns
    def _token(
        self, token_class: Text, op: Optional[Text] = None, not_in: Optional[List[Text]] = None
    ) -> Dict[Text, Any]:
        predicate: Dict[Text, Any] = {"REGEX": self.regex[token_class]}
        if not_in:
            predicate["NOT_IN"] = not_in
        token: Dict[Text, Any] = {"TEXT": predicate}
        if op:
            token["OP"] = op
        return token

    def patterns(self) -> List[Dict[Text, Any]]:
        """``EntityRuler`` token patterns; ``id`` is the kind of match (see ``KIND_*``)."""
        address = self.config["address_entity"]
        tail = [self._token("continuation", f"{{0,{RULER_TAIL}}}")]
        prefix = [self._token("city", "?"), self._token("district", "?")]
        optional_of = self._token("of", "?")
        qualifier = self._token("qualifier", not_in=self.stop_words)
        roads = [
            [self._token("road")],
            [self._token("generic_road", not_in=self.road_stop_words)],
            [qualifier, self._token("road_suffix")],
        ]
        unknown_places = [
            [self._token("generic_estate", not_in=self.stop_words)],
            [self._token("generic_road", not_in=self.road_stop_words)],
            [qualifier, self._token("estate_suffix")],
            [qualifier, self._token("road_suffix")],
        ]
        landmarks = [
            [self._token("landmark")],
            [self._token("ordinal"), self._token("landmark")],
            [qualifier, self._token("landmark")],
        ]

        def pattern(kind: Text, tokens: List[Dict[Text, Any]], label: Text = address) -> Dict:
            return {"label": label, "id": kind, "pattern": tokens}

        patterns = [
            pattern(KIND_DISTRICT, [self._token("district")], self.config["district_entity"]),
            pattern(
                KIND_PLACE,
                prefix + [self._token("place"), self._token("estate_suffix", "?")] + tail,
            ),
        ]
        for first in roads:
            patterns.append(
                pattern(KIND_INTERSECTION, prefix + first + [self._token("crossing")] + tail)
            )
            for second in roads:
                patterns.append(
                    pattern(
                        KIND_INTERSECTION,
                        prefix + first + [self._token("join")] + second
                        + [self._token("crossing")] + tail,
                    )
                )
        for anchor in landmarks:
            patterns.append(
                pattern(
                    KIND_LANDMARK,
                    prefix + anchor + [optional_of, self._token("landmark_relation")] + tail,
                )
            )
        for anchor in unknown_places:
            patterns.append(
                pattern(
                    KIND_GENERIC,
                    prefix + anchor + [self._token("estate_suffix", "?"), optional_of,
                                       self._token("specific")] + tail,
                )
            )
        if self.config["extract_bare_buildings"]:
            patterns.append(
                pattern(
                    KIND_BUILDING,
                    prefix + [self._token("number", "{1,2}"), self._token("building")] + tail,
                )
            )
            patterns.append(
                pattern(KIND_BUILDING, prefix + [self._token("numbered_building")] + tail)
            )
        return patterns

    # ----------------------------------------------------------------------------- learning
    def harvest(self, text: Text, entity: Text) -> List[Tuple[Text, Text]]:
        """Unknown place names inside one annotated entity, as ``(category, name)`` pairs.

        A ``district`` annotation is a district's surface form (高新, 老城). In an ``address``, known
        names (city, districts, the gazetteer) are blanked out first, so "和平新村东头" yields nothing
        and "东湖路银杏小区5栋" yields 银杏小区. The rest is cut at relation words, "的" and, in a
        crossing, at join words ("银杏路|与|枫桥路交叉口"). In each part, the longest prefix that ends
        with a known suffix (小区, 苑, 村, 路, 街, 医院 …) and holds no digit or numbered unit is the
        name: "银杏小区3栋502" gives 银杏小区, "王庄村五组" gives 王庄村.
        """
        if entity == self.config["district_entity"]:
            name = text.strip()
            known = self.gazetteer.district
            if 2 <= len(name) <= 8 and re.fullmatch(f"[{CJK}]+", name) and name not in known:
                return [(DISTRICT, name)]
            return []
        if entity != self.config["address_entity"]:
            return []
        known_names = self.gazetteer.all_names() | set(self.config["city_names"])
        text = re.sub(_alternation(known_names), "|", text)
        separators = (
            list(self.config["relation_words"]) + list(self.config["vague_words"]) + ["的"]
        )
        if re.search(_alternation(self.config["intersection_words"]), text):
            separators += list(self.config["join_words"])
        found: List[Tuple[Text, Text]] = []
        for part in re.split(f"{_alternation(separators)}|[^{CJK}0-9A-Za-z]", text):
            name, category = self._longest_named_prefix(part)
            if name and category and name not in known_names:
                found.append((category, name))
        return found

    def _longest_named_prefix(self, text: Text) -> Tuple[Optional[Text], Optional[Text]]:
        suffixes = [
            (ROAD, self.config["road_suffixes"]),
            (LANDMARK, self.config["landmark_words"]),
            (ESTATE, self.config["estate_suffixes"]),
        ]
        numbered_unit = re.compile(rf"[{NUMERALS}](?:{_alternation(self.config['unit_words'])})")
        for end in range(len(text), 2, -1):
            candidate = text[:end]
            if not re.fullmatch(f"[{CJK}]+", candidate) or numbered_unit.search(candidate):
                continue
            if any(candidate.startswith(w) for w in self.stop_words if len(w) > 1):
                continue
            for category, words in suffixes:
                for suffix in words:
                    if candidate.endswith(suffix) and len(candidate) > len(suffix):
                        return candidate, category
        return None, None


@dataclass
class _Match:
    label: Text
    kind: Text
    start: int  # token index
    end: int  # token index, exclusive


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class AddressEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts ``address`` and ``district`` entities with spaCy token patterns over jieba tokens."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # entity names the extractor produces
            "address_entity": "address",
            "district_entity": "district",
            # take addresses and districts from this component alone: drop the ones other
            # extractors (DIET) put on the message before it. bench/address_extraction.py measures
            # both; the rules are more exact on the held-out split, so they are authoritative.
            "replace_other_extractors": True,
            # one name per line; categories: district, estate (estates and villages), road, landmark
            "lookup_files": {
                DISTRICT: "data/lookups/district.txt",
                ESTATE: "data/lookups/estate.txt",
                ROAD: "data/lookups/road.txt",
            },
            # lookup tables of the NLU data whose name is a category (e.g. `lookup: district`)
            "use_lookup_tables": True,
            # learn estate/road/landmark names from the `address` annotations of the training data,
            # and district surface forms (高新, 老城) from its `district` annotations
            "learn_from_training_data": True,
            # jieba user dictionaries; copied into the model so inference segments like training
            "dictionary_path": "data/jieba",
            "city_names": ["清江市", "清江"],
            "landmark_words": [
                "菜市场", "菜场", "农贸市场", "批发市场", "市场", "超市", "商场", "小学", "中学",
                "大学", "学校", "幼儿园", "医院", "卫生院", "诊所", "药店", "公园", "广场",
                "派出所", "银行", "邮局", "火车站", "汽车站", "公交站", "地铁站", "车站", "加油站",
                "体育馆", "图书馆", "电影院", "酒店", "宾馆", "饭店", "政府", "居委会", "村委会",
                "服务中心", "营业厅", "水厂", "工厂", "老厂宿舍", "厂区", "大桥", "桥头", "码头",
                "教堂", "寺",
            ],
            "relation_words": [
                "后面", "后边", "后头", "前面", "前边", "前头", "旁边", "边上", "隔壁", "对面",
                "斜对面", "对过", "背后", "里面", "里边", "里头", "外面", "左边", "右边", "左侧",
                "右侧", "左手边", "右手边", "路边", "拐角", "转角", "尽头",
            ],
            # relations too vague to end an address that has a named place (阳光花园附近 → 阳光花园)
            "vague_words": [
                "附近", "一带", "周边", "周围", "这边", "那边", "这块", "那块", "这片", "那片", "片区",
            ],
            "direction_words": ["东南", "东北", "西南", "西北", "东", "南", "西", "北"],
            "movement_words": [
                "进去", "进门", "进来", "往里", "往里走", "往前", "往前走", "直走", "左拐", "右拐",
                "左转", "右转", "拐进去", "过去", "走",
            ],
            "filler_words": ["大概", "大约", "约", "差不多"],
            "description_words": [
                "平房", "房子", "老房子", "楼房", "宿舍", "宿舍楼", "居民楼", "院子", "大院", "巷子",
                "门面", "商铺", "铺面", "自建房", "老楼", "小楼", "单元楼", "家属院", "家属楼",
            ],
            # units after a number: building, entrance, floor, room, village group, lane
            "unit_words": [
                "号楼", "号院", "号门", "单元", "栋", "幢", "座", "号", "室", "层", "楼", "门",
                "组", "队", "社", "弄", "巷", "户", "排", "期", "区", "院", "房", "间",
            ],
            # units that make a number an address even without a named place (3号楼502)
            "building_unit_words": ["栋", "幢", "座", "号楼", "单元", "室"],
            "estate_suffixes": [
                "小区", "花园", "新村", "公寓", "家园", "社区", "大厦", "山庄", "公馆", "别墅",
                "宿舍", "家属院", "家属楼", "名城", "华庭", "嘉园", "名邸", "雅苑", "花苑",
                "苑", "园", "城", "府", "里", "湾", "庭", "邸", "居", "村", "坊",
            ],
            "road_suffixes": ["大街", "大道", "胡同", "路", "街", "巷", "弄"],
            "intersection_words": [
                "十字路口", "丁字路口", "交叉口", "交汇处", "交界处", "路口", "交口", "口",
            ],
            "join_words": ["与", "和", "跟", "同", "及", "、"],
            # words that never begin a place name (我家|小区 is not an estate called 我家小区)
            "stop_words": [
                "我家", "我们", "我们家", "你们", "他们", "咱们", "咱家", "这个", "那个", "哪个",
                "这里", "那里", "哪里", "整个", "所有", "全部", "楼下", "楼上", "家里", "现在",
                "今天", "明天", "昨天", "后天", "刚才", "一直", "已经", "还是", "就是", "可能",
                "应该", "地址", "位置", "住在", "位于", "就在", "还在", "请问", "你好", "您好",
                "麻烦", "帮忙", "帮我", "我想", "一个", "一下", "怎么", "什么", "没有", "停水",
                "漏水", "水管", "自来水", "本地", "当地", "外地", "小区", "新小区", "老小区", "物业",
                "居民", "业主", "客户", "用户", "我住", "住的", "那栋", "这栋", "同一",
            ],
            # ordinary words that end like roads (马路对面 is not on a road called 马路)
            "road_stop_words": [
                "马路", "道路", "公路", "铁路", "水路", "小路", "大路", "一路", "走路", "上路",
                "出路", "半路", "思路", "线路", "电路", "网路", "迷路", "带路", "让路", "问路",
                "修路", "大街", "上街", "逛街", "小巷", "弄", "摆弄", "捉弄", "一条街", "这条街",
                "那条街", "这条路", "那条路",
            ],
            # numbered buildings without a named place (3号楼502, 5栋1单元601) are addresses
            "extract_bare_buildings": True,
            # longest address in tokens (江南区 阳光花园 12 号楼 2 单元 302 室 is 8)
            "max_address_tokens": 24,
            # confidence_entity by kind of match
            "confidence": {
                KIND_DISTRICT: 0.99,
                KIND_PLACE: 0.95,
                KIND_INTERSECTION: 0.9,
                KIND_LANDMARK: 0.8,
                KIND_GENERIC: 0.8,
                KIND_BUILDING: 0.7,
            },
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """Hash of the lookup files, the jieba dictionaries and this module's code.

        None of them is part of the training data, so without this Rasa would reuse a cached,
        outdated extractor after an estate is added to ``data/lookups/estate.txt``.
        """
        merged = {**cls.get_default_config(), **config}
        paths = [Path(p) for p in (merged.get("lookup_files") or {}).values() if p]
        dictionary_path = merged.get("dictionary_path")
        if dictionary_path and Path(dictionary_path).is_dir():
            paths += sorted(p for p in Path(dictionary_path).iterdir() if p.is_file())
        paths.append(Path(__file__))
        return files_fingerprint(paths)

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """The grammar is Chinese."""
        return ["zh"]

    @staticmethod
    def required_packages() -> List[Text]:
        """spaCy for the matcher, jieba for the segmentation."""
        return ["spacy", "jieba"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        gazetteer: Optional[Gazetteer] = None,
        patterns: Optional[List[Dict[Text, Any]]] = None,
    ) -> None:
        """Creates the extractor.

        Args:
            config: The component's config, merged over ``get_default_config()``.
            model_storage: Storage the component persists itself to and loads itself from.
            resource: Resource locator of this component in ``model_storage``.
            gazetteer: Known place names; read from ``lookup_files`` when not given.
            patterns: Persisted ruler patterns; generated from the grammar when not given.
        """
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        if gazetteer is None:
            gazetteer = Gazetteer.from_lookup_files(self._config["lookup_files"])
        self._setup(gazetteer, patterns)

    def _setup(
        self, gazetteer: Gazetteer, patterns: Optional[List[Dict[Text, Any]]] = None
    ) -> None:
        """(Re)builds the grammar and the spaCy pipeline for ``gazetteer``."""
        self.gazetteer = gazetteer
        self.grammar = AddressGrammar(self._config, gazetteer)
        self.patterns = patterns if patterns is not None else self.grammar.patterns()
        self._nlp = self._build_pipeline(self.grammar.boundary_names(), self.patterns)

    @staticmethod
    def _build_pipeline(names: List[Text], patterns: List[Dict[Text, Any]]) -> Language:
        """A blank ``zh`` pipeline: segmentation tokenizer + entity ruler."""
        nlp = spacy.blank("zh")
        nlp.tokenizer = SegmentationTokenizer(nlp.vocab, names)
        ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
        ruler.add_patterns(patterns)
        return nlp

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AddressEntityExtractor:
        """Creates a new component (see parent class for full docstring)."""
        merged = {**cls.get_default_config(), **config}
        cls._load_dictionaries(merged.get("dictionary_path"))
        return cls(merged, model_storage, resource)

    @staticmethod
    def _load_dictionaries(path: Optional[Text]) -> None:
        if not path:
            return
        if Path(path).is_dir():
            load_user_dictionaries(str(path))
        else:
            rasa.shared.utils.io.raise_warning(
                f"jieba dictionary directory '{path}' does not exist; "
                f"the address extractor segments with jieba's default dictionary."
            )

    def train(self, training_data: TrainingData) -> Resource:
        """Extends the gazetteer from the training data, rebuilds the patterns and persists them.

        Lookup tables named like a category (``district``, ``estate``, ``road``, ``landmark``) are
        added as they are. With ``learn_from_training_data``, place names inside annotated
        ``address`` entities and surface forms of annotated ``district`` entities are added too,
        so an estate seen in training is found on its own ("银杏小区停水了吗") at inference.
        """
        extra: Dict[Text, List[Text]] = {category: [] for category in CATEGORIES}
        if self._config["use_lookup_tables"]:
            for table in training_data.lookup_tables:
                elements = table.get("elements")
                if table.get("name") in extra and isinstance(elements, list):
                    extra[table["name"]].extend(str(e) for e in elements)
        gazetteer = self.gazetteer.merged(Gazetteer.from_dict(extra))

        if self._config["learn_from_training_data"]:
            learned: Dict[Text, List[Text]] = {category: [] for category in CATEGORIES}
            grammar = AddressGrammar(self._config, gazetteer)
            for example in training_data.entity_examples:
                text = example.get(TEXT) or ""
                for entity in example.get(ENTITIES) or []:
                    span = text[entity[ENTITY_ATTRIBUTE_START]:entity[ENTITY_ATTRIBUTE_END]]
                    for category, name in grammar.harvest(span, entity[ENTITY_ATTRIBUTE_TYPE]):
                        learned[category].append(name)
            if any(learned.values()):
                logger.debug(f"{self.name} learned place names: {learned}")
            gazetteer = gazetteer.merged(Gazetteer.from_dict(learned))

        self._setup(gazetteer)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the addresses and districts found in each message's text to its entities."""
        own_types = {self._config["address_entity"], self._config["district_entity"]}
        for message in messages:
            entities = self.add_extractor_name(self.extract(message.get(TEXT) or ""))
            others = message.get(ENTITIES, [])
            if self._config["replace_other_extractors"]:
                others = [e for e in others if e.get(ENTITY_ATTRIBUTE_TYPE) not in own_types]
            message.set(ENTITIES, others + entities, add_to_output=True)
        return messages

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        """Entities in ``text``: type, start, end, value and confidence (no extractor name)."""
        if not isinstance(text, str) or not text.strip():
            return []
        doc = self._nlp(text)
        entities = []
        spans = list(doc.ents)
        for span, following in zip(spans, spans[1:] + [None]):
            limit = following.start if following is not None else len(doc)
            match = self._resolve(doc, span, limit)
            if match is None:
                continue
            start_char = doc[match.start].idx
            end_char = doc[match.end - 1].idx + len(doc[match.end - 1].text)
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: match.label,
                    ENTITY_ATTRIBUTE_START: start_char,
                    ENTITY_ATTRIBUTE_END: end_char,
                    ENTITY_ATTRIBUTE_VALUE: text[start_char:end_char],
                    ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: float(
                        self._config["confidence"].get(match.kind, 0.5)
                    ),
                }
            )
        return entities

    def _resolve(self, doc: Doc, span: Span, limit: int) -> Optional[_Match]:
        """Completes a ruler match into an entity, or drops it.

        An address match is extended over further continuation tokens (up to ``limit``, where the
        next match starts), trimmed of trailing filler, and checked: a landmark needs a relation
        (人民医院 alone is a place to go, not an address); a match reduced to a district is one.
        """
        kind = span.ent_id_ or KIND_PLACE
        district_entity = self._config["district_entity"]
        if span.label_ == district_entity:
            return _Match(district_entity, KIND_DISTRICT, span.start, span.end)
        grammar = self.grammar
        start, end = span.start, span.end
        longest = start + int(self._config["max_address_tokens"])
        while end < min(limit, longest) and grammar.is_a("continuation", doc[end].text):
            end += 1
        while end - start > 1:
            last = doc[end - 1].text
            following = doc[end].text if end < len(doc) else ""
            if (
                grammar.is_a("trailing_junk", last)
                or (kind != KIND_LANDMARK and grammar.is_a("vague", last))
                # 江南名城3天没水: the number counts days, not buildings
                or (grammar.is_a("number", last) and following[:1] in MEASURE_WORD_STARTS)
            ):
                end -= 1
                continue
            break
        tokens = [t.text for t in doc[start:end]]
        if kind == KIND_LANDMARK and not any(grammar.is_a("landmark_relation", t) for t in tokens):
            tokens = []
        core = [t for t in tokens if not grammar.is_a("city", t)]
        if not core or (len(core) == 1 and grammar.is_a("district", core[0])):
            # nothing left but a district: report the district if there is one
            for i in range(start, end):
                if grammar.is_a("district", doc[i].text):
                    return _Match(district_entity, KIND_DISTRICT, i, i + 1)
            return None
        if kind != KIND_INTERSECTION and any(grammar.is_a("place", t) for t in tokens):
            kind = KIND_PLACE  # an unknown-place pattern may have matched a known place too
        return _Match(self._config["address_entity"], kind, start, end)

    def persist(self) -> None:
        """Writes gazetteer and patterns as JSON, and copies the jieba dictionaries."""
        with self._model_storage.write_to(self._resource) as directory:
            rasa.shared.utils.io.dump_obj_as_json_to_file(
                directory / PATTERNS_FILE,
                {
                    "version": FORMAT_VERSION,
                    "gazetteer": self.gazetteer.as_dict(),
                    "patterns": self.patterns,
                },
            )
            dictionary_path = self._config.get("dictionary_path")
            if dictionary_path and Path(dictionary_path).is_dir():
                target = directory / DICTIONARY_DIR
                target.mkdir(exist_ok=True)
                for path in sorted(Path(dictionary_path).iterdir()):
                    if path.is_file():
                        shutil.copy2(path, target / path.name)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> AddressEntityExtractor:
        """Loads the trained component (see parent class for full docstring)."""
        try:
            with model_storage.read_from(resource) as directory:
                stored = rasa.shared.utils.io.read_json_file(directory / PATTERNS_FILE)
                if (directory / DICTIONARY_DIR).is_dir():
                    load_user_dictionaries(str(directory / DICTIONARY_DIR))
                return cls(
                    config,
                    model_storage,
                    resource,
                    gazetteer=Gazetteer.from_dict(stored.get("gazetteer", {})),
                    patterns=stored.get("patterns"),
                )
        except (ValueError, FileNotFoundError):
            rasa.shared.utils.io.raise_warning(
                f"Failed to load {cls.__name__} from model storage; "
                f"falling back to the lookup files of its configuration."
            )
            return cls.create(config, model_storage, resource, execution_context)

