"""AddressEntityExtractor through Rasa's component API, and the address benchmark's metrics."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bench.address_extraction import span_metrics
from mot.nlu.address_extractor import (
    PATTERNS_FILE,
    AddressEntityExtractor,
    SegmentationTokenizer,
)

ROOT = Path(__file__).resolve().parents[2]
CONFIG: Dict[str, Any] = {
    "lookup_files": {
        "district": str(ROOT / "data/lookups/district.txt"),
        "estate": str(ROOT / "data/lookups/estate.txt"),
        "road": str(ROOT / "data/lookups/road.txt"),
    },
    "dictionary_path": str(ROOT / "data/jieba"),
}

TRAINING_DATA = """
version: "3.1"
nlu:
- intent: report_leak
  examples: |
    - [银杏小区3栋502](address)厨房漏水
    - [枫桥路12号](address)门口水管爆了
    - [王庄村五组12号](address)没水
    - [东湖路88号](address)漏水
- intent: ask_outage
  examples: |
    - [高新](district)那边明天停水吗
    - [江北区](district)停水吗
"""


def make_extractor(
    storage_path: Path, config: Dict[str, Any] = None, resource: str = "address_extractor"
) -> Tuple[AddressEntityExtractor, LocalModelStorage, Resource]:
    storage = LocalModelStorage(storage_path)
    node = Resource(resource)
    extractor = AddressEntityExtractor.create(
        {**CONFIG, **(config or {})}, storage, node, ExecutionContext(GraphSchema({}), "1")
    )
    return extractor, storage, node


def training_data() -> TrainingData:
    return RasaYAMLReader().reads(TRAINING_DATA)


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> AddressEntityExtractor:
    return make_extractor(tmp_path_factory.mktemp("address"))[0]


def spans(extractor: AddressEntityExtractor, text: str) -> List[Tuple[str, str]]:
    return [(e["entity"], e["value"]) for e in extractor.extract(text)]


# Messages as customers write them, with every address/district span the extractor must return.
EXPECTED = [
    # the shapes named in the issue
    ("江南名城3栋五楼", [("address", "江南名城3栋五楼")]),
    ("幸福路与解放路交叉口往东100米", [("address", "幸福路与解放路交叉口往东100米")]),
    ("老城区菜市场后面那排平房", [("address", "老城区菜市场后面那排平房")]),
    ("阳光花园12号楼2单元302室", [("address", "阳光花园12号楼2单元302室")]),
    ("东湖路88号", [("address", "东湖路88号")]),
    ("翠湖苑北门那栋", [("address", "翠湖苑北门那栋")]),
    ("和平新村7组", [("address", "和平新村7组")]),
    # in a sentence, with other entities around
    ("江南名城3栋五楼厨房水管爆了，电话13912345678", [("address", "江南名城3栋五楼")]),
    ("我家住在幸福里小区5栋1单元601，厨房漏水", [("address", "幸福里小区5栋1单元601")]),
    ("滨江新区望江府9幢2单元1802室停水了", [("address", "滨江新区望江府9幢2单元1802室")]),
    ("老城区胜利街33号院门口的水管爆了", [("address", "老城区胜利街33号院门口")]),
    ("江北区新华街45号2楼水表漏水", [("address", "江北区新华街45号2楼")]),
    ("金色家园十二幢三单元五零二没水", [("address", "金色家园十二幢三单元五零二")]),
    ("南湖小区三号楼四单元水很黄", [("address", "南湖小区三号楼四单元")]),
    ("我住在东湖区碧水湾小区", [("address", "东湖区碧水湾小区")]),
    ("清江市江南区学府路188号", [("address", "清江市江南区学府路188号")]),
    ("东湖嘉园二期3-2-502水压很小", [("address", "东湖嘉园二期3-2-502")]),
    ("江南名城A座1201的水表", [("address", "江南名城A座1201")]),
    ("幸福里小区东门进去第二栋", [("address", "幸福里小区东门进去第二栋")]),
    ("我家在阳光花园 3栋 502", [("address", "阳光花园 3栋 502")]),
    # crossings, landmarks and directions
    ("解放路跟中山路十字路口东边一百米有水冒出来", [("address", "解放路跟中山路十字路口东边一百米")]),
    ("东湖路和人民路路口消防栓漏水", [("address", "东湖路和人民路路口")]),
    ("幸福路口往北走50米", [("address", "幸福路口往北走50米")]),
    ("第三中学对面的老厂宿舍停水", [("address", "第三中学对面的老厂宿舍")]),
    ("实验小学附近停水了", [("address", "实验小学附近")]),
    # places not in the lookups, recognised by their shape
    ("银杏小区3栋502厨房漏水", [("address", "银杏小区3栋502")]),
    ("王庄村五组12号没水", [("address", "王庄村五组12号")]),
    ("3号楼502漏水", [("address", "3号楼502")]),
    # what ends an address
    ("麻烦到和平巷12号来修一下", [("address", "和平巷12号")]),
    ("在世纪城东门等你", [("address", "世纪城东门")]),
    ("阳光花园附近停水吗", [("address", "阳光花园")]),
    ("江南名城3天没水了", [("address", "江南名城")]),
    ("江南名城和阳光花园都停水了", [("address", "江南名城"), ("address", "阳光花园")]),
    # a district alone is a district
    ("江北区明天停水吗", [("district", "江北区")]),
    ("滨江新区和高新区明天停水吗", [("district", "滨江新区"), ("district", "高新区")]),
    ("高新区营业厅在哪", [("district", "高新区")]),
]

NO_ADDRESS = [
    "你好",
    "水费怎么这么贵",
    "我的户号是3100012345",
    "工单GD2611240001到哪了",
    "上个月用了12吨水",
    "凌晨2点到8点停水",
    "3号停水吗",
    "我家小区停水了",
    "马路对面水管爆了",
    "这个单元都停水了",
    "我去医院了",
    "三楼漏水到二楼了",
    "交了3个月的水费",
    "最近的营业厅在哪",
    "城里停水吗",
    "家里没水",
]


@pytest.mark.parametrize("text, expected", EXPECTED)
def test_expected_spans(extractor, text, expected):
    assert spans(extractor, text) == expected


@pytest.mark.parametrize("text", NO_ADDRESS)
def test_no_address(extractor, text):
    assert extractor.extract(text) == []


@pytest.mark.parametrize("text, _", EXPECTED)
def test_offsets_match_values(extractor, text, _):
    for entity in extractor.extract(text):
        assert text[entity["start"]:entity["end"]] == entity["value"]


def test_spans_fall_on_token_boundaries_of_the_rasa_tokenizer(extractor):
    """DIET's gold annotations sit on jieba tokens: so must the extracted spans."""
    from mot.nlu.segmentation import segment

    for text, _ in EXPECTED:
        tokens = segment(text)
        starts = {s for _, s in tokens}
        ends = {s + len(w) for w, s in tokens}
        for entity in extractor.extract(text):
            assert entity["start"] in starts and entity["end"] in ends, (text, entity)


def test_confidence_reflects_the_kind_of_match(extractor):
    def confidence(text: str) -> float:
        (entity,) = extractor.extract(text)
        return entity["confidence_entity"]

    known, crossing = confidence("阳光花园12号楼"), confidence("幸福路与解放路交叉口")
    unknown, bare = confidence("银杏小区3栋"), confidence("3号楼502")
    assert 1 >= confidence("江北区停水吗") >= known > crossing > unknown > bare > 0


def test_process_adds_entities_with_extractor_name(extractor):
    existing = {"entity": "phone", "start": 12, "end": 23, "value": "13912345678"}
    message = Message(data={TEXT: "江南名城3栋五楼漏水了，电话13912345678"})
    message.set(ENTITIES, [existing])
    empty = Message(data={TEXT: ""})
    extractor.process([message, empty])
    entities = message.get(ENTITIES)
    assert entities[0] == existing
    assert entities[1] == {
        "entity": "address",
        "start": 0,
        "end": 8,
        "value": "江南名城3栋五楼",
        "confidence_entity": pytest.approx(0.95),
        "extractor": "AddressEntityExtractor",
    }
    assert empty.get(ENTITIES) == []


def test_process_replaces_addresses_from_other_extractors(extractor, tmp_path):
    def diet(entity, start, end, text):
        return {"entity": entity, "start": start, "end": end, "value": text[start:end],
                "extractor": "DIETClassifier"}

    text = "江南名城3栋五楼漏水了，电话13912345678"
    phone = diet("phone", 14, 25, text)
    message = Message(data={TEXT: text})
    message.set(ENTITIES, [diet("address", 4, 6, text), diet("district", 0, 2, text), phone])
    extractor.process([message])
    assert [(e["entity"], e["value"], e["extractor"]) for e in message.get(ENTITIES)] == [
        ("phone", "13912345678", "DIETClassifier"),
        ("address", "江南名城3栋五楼", "AddressEntityExtractor"),
    ]

    keeping, _, _ = make_extractor(tmp_path, {"replace_other_extractors": False})
    message = Message(data={TEXT: text})
    message.set(ENTITIES, [diet("address", 4, 6, text)])
    keeping.process([message])
    assert [e["value"] for e in message.get(ENTITIES)] == ["3栋", "江南名城3栋五楼"]


def test_entity_names_are_configurable(tmp_path):
    custom, _, _ = make_extractor(
        tmp_path, {"address_entity": "location", "district_entity": "area"}
    )
    assert spans(custom, "江北区新华街45号") == [("location", "江北区新华街45号")]
    assert spans(custom, "江北区停水吗") == [("area", "江北区")]


def test_bare_buildings_can_be_switched_off(tmp_path):
    strict, _, _ = make_extractor(tmp_path, {"extract_bare_buildings": False})
    assert strict.extract("3号楼502漏水") == []
    assert spans(strict, "阳光花园3号楼502") == [("address", "阳光花园3号楼502")]


# ----------------------------------------------------------------------------- training
def test_training_learns_place_names_from_annotations(tmp_path):
    extractor, _, _ = make_extractor(tmp_path)
    assert extractor.extract("银杏小区停水了吗") == []
    assert spans(extractor, "高新明天停水吗") == []

    extractor.train(training_data())

    assert "银杏小区" in extractor.gazetteer.estate
    assert "王庄村" in extractor.gazetteer.estate
    assert "枫桥路" in extractor.gazetteer.road
    assert "高新" in extractor.gazetteer.district
    assert spans(extractor, "银杏小区停水了吗") == [("address", "银杏小区")]
    assert spans(extractor, "枫桥路什么时候来水") == [("address", "枫桥路")]
    assert spans(extractor, "高新明天停水吗") == [("district", "高新")]


def test_learning_can_be_switched_off(tmp_path):
    extractor, _, _ = make_extractor(tmp_path, {"learn_from_training_data": False})
    extractor.train(training_data())
    assert "银杏小区" not in extractor.gazetteer.estate
    assert extractor.extract("银杏小区停水了吗") == []


def test_lookup_tables_of_the_training_data_extend_the_gazetteer(tmp_path):
    data = RasaYAMLReader().reads(
        'version: "3.1"\nnlu:\n- lookup: estate\n  examples: |\n    - 观澜府\n    - 春江花月\n'
    )
    extractor, _, _ = make_extractor(tmp_path)
    extractor.train(data)
    assert spans(extractor, "春江花月停水了吗") == [("address", "春江花月")]
    assert spans(extractor, "观澜府3幢漏水") == [("address", "观澜府3幢")]


@pytest.mark.parametrize(
    "annotated, learned",
    [
        ("银杏小区3栋502", [("estate", "银杏小区")]),
        ("东湖路银杏小区5栋", [("estate", "银杏小区")]),
        ("银杏路与枫桥路交叉口往东100米", [("road", "银杏路"), ("road", "枫桥路")]),
        ("人民医院后面那排平房", [("landmark", "人民医院")]),
        ("清江市滨江新区观澜府3幢", [("estate", "观澜府")]),
        ("和平新村东头第二家", []),  # 和 is part of a known name, not a join
        ("人民路128弄3号", []),  # known road, the rest is numbers
        ("我家小区3栋", []),
    ],
)
def test_harvest_heuristics(extractor, annotated, learned):
    assert extractor.grammar.harvest(annotated, "address") == learned


# ----------------------------------------------------------------------------- persistence
ROUND_TRIP_TEXTS = [text for text, _ in EXPECTED] + NO_ADDRESS + ["银杏小区停水了吗", "高新明天停水吗"]


def test_persist_and_load_round_trip(tmp_path):
    trained, storage, resource = make_extractor(tmp_path)
    assert trained.train(training_data()) == resource
    with storage.read_from(resource) as directory:
        assert (directory / PATTERNS_FILE).is_file()
        assert (directory / "jieba" / "places.txt").is_file()

    # a fresh storage object on the same directory, and lookup files that no longer exist:
    # everything must come from the model
    config = {**CONFIG, "lookup_files": {"estate": str(tmp_path / "missing.txt")}}
    loaded = AddressEntityExtractor.load(
        {**AddressEntityExtractor.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        resource,
        ExecutionContext(GraphSchema({}), "1"),
    )
    assert loaded.gazetteer == trained.gazetteer
    assert loaded.patterns == trained.patterns
    for text in ROUND_TRIP_TEXTS:
        assert loaded.extract(text) == trained.extract(text), text
    assert spans(loaded, "银杏小区停水了吗") == [("address", "银杏小区")]


def test_load_without_persisted_model_falls_back_to_lookups(tmp_path):
    with pytest.warns(UserWarning, match="Failed to load"):
        loaded = AddressEntityExtractor.load(
            {**AddressEntityExtractor.get_default_config(), **CONFIG},
            LocalModelStorage(tmp_path),
            Resource("never_trained"),
            ExecutionContext(GraphSchema({}), "1"),
        )
    assert spans(loaded, "江南名城3栋五楼") == [("address", "江南名城3栋五楼")]


def test_missing_lookup_file_warns_but_works(tmp_path):
    with pytest.warns(UserWarning, match="does not exist"):
        extractor, _, _ = make_extractor(
            tmp_path, {"lookup_files": {"estate": str(tmp_path / "missing.txt")}}
        )
    assert spans(extractor, "银杏小区3栋502") == [("address", "银杏小区3栋502")]


def test_fingerprint_changes_with_the_lookup_files(tmp_path):
    """Rasa must retrain the extractor when a lookup file changes, although the NLU data did not."""
    lookup = tmp_path / "estate.txt"
    lookup.write_text("银杏小区\n", encoding="utf-8")
    config = {**CONFIG, "lookup_files": {"estate": str(lookup)}}
    before = AddressEntityExtractor.fingerprint_addon(config)
    assert AddressEntityExtractor.fingerprint_addon(config) == before
    lookup.write_text("银杏小区\n观澜府\n", encoding="utf-8")
    assert AddressEntityExtractor.fingerprint_addon(config) != before


# ----------------------------------------------------------------------------- robustness
ODD_INPUTS = {
    "empty": "",
    "whitespace": "   \t\n ",
    "emoji": "😀💧🚰",
    "no chinese": "hello world, 123 Main St.",
    "10k ascii": "a" * 10000,
    "10k chinese": ("我家在江南名城3栋五楼，厨房水管爆了。" * 600)[:10000],
    "10k units": "1栋" * 5000,
    "10k numbers": "幸福路" + "3号" * 4998,
    "mixed whitespace": "江南名城 \n\n 3栋\t502",
    "full width": "阳光花园１２号楼２单元",
    "control chars": "江南名城\x00\u200b3栋",
}


@pytest.mark.parametrize("name", sorted(ODD_INPUTS))
def test_odd_input_does_not_crash(extractor, name):
    text = ODD_INPUTS[name]
    started = time.perf_counter()
    entities = extractor.extract(text)
    assert time.perf_counter() - started < 5  # linear time, even on adversarial input
    for entity in entities:
        assert text[entity["start"]:entity["end"]] == entity["value"]
        assert entity["value"].strip() == entity["value"]
    message = Message(data={TEXT: text})
    extractor.process([message])
    assert message.get(ENTITIES) == extractor.add_extractor_name(entities)


def test_odd_inputs_give_sensible_results(extractor):
    assert extractor.extract(ODD_INPUTS["no chinese"]) == []
    assert len(extractor.extract(ODD_INPUTS["10k chinese"])) == 10000 // 19
    assert spans(extractor, ODD_INPUTS["full width"]) == [("address", "阳光花园１２号楼２单元")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("江南名城 3栋 502", ["江南名城 3栋 502"]),
        ("江南名城  3栋\t502 ", ["江南名城  3栋\t502"]),  # spaces and tabs continue, not at the end
        ("江南名城　3栋", ["江南名城　3栋"]),  # full-width space
        ("江南名城\n3栋502", ["江南名城", "3栋502"]),  # a line break ends an address
        ("江南名城，3栋502", ["江南名城", "3栋502"]),
    ],
)
def test_whitespace_inside_addresses(extractor, text, expected):
    assert [value for _, value in spans(extractor, text)] == expected


@pytest.mark.parametrize(
    "text", ["", " ", "  两个空格", "江南名城  3栋", "\n江南名城\r\n3栋 502 ", "老厂宿舍3栋"]
)
def test_tokenizer_reproduces_text_and_keeps_names_whole(extractor, text):
    doc = extractor._nlp.make_doc(text)
    assert doc.text == text
    assert all(text[t.idx:t.idx + len(t.text)] == t.text for t in doc)
    if "老厂宿舍" in text:
        assert "老厂宿舍" in [t.text for t in doc]  # jieba alone cuts it 老/厂/宿舍


def test_tokenizer_splits_tokens_at_forced_names(extractor):
    tokenizer = SegmentationTokenizer(extractor._nlp.vocab, ["银杏小区"])
    words = [t.text for t in tokenizer("银杏小区3栋")]
    assert words[0] == "银杏小区"


# ----------------------------------------------------------------------------- benchmark metrics
def test_span_metrics_exact_and_overlap():
    gold = [
        [("address", 0, 8)],  # predicted exactly
        [("address", 0, 10)],  # predicted too short: overlap only
        [("address", 2, 6)],  # missed
        [],  # spurious prediction
        [("district", 0, 3)],
    ]
    predicted = [
        [("address", 0, 8), ("address", 0, 8)],  # a duplicate counts once
        [("address", 0, 6)],
        [],
        [("address", 0, 4)],
        [("district", 0, 3), ("phone", 5, 16)],  # other entity types are ignored
    ]
    metrics = span_metrics(gold, predicted)
    address = metrics["address"]
    assert address["support"] == 3 and address["predicted"] == 3
    assert address["exact"]["precision"] == pytest.approx(1 / 3)
    assert address["exact"]["recall"] == pytest.approx(1 / 3)
    assert address["exact"]["f1"] == pytest.approx(1 / 3)
    assert address["overlap"]["precision"] == pytest.approx(2 / 3)
    assert address["overlap"]["recall"] == pytest.approx(2 / 3)
    assert metrics["district"]["exact"]["f1"] == 1.0
    assert metrics["micro"]["support"] == 4 and metrics["micro"]["predicted"] == 4
    assert metrics["micro"]["exact"]["f1"] == pytest.approx(0.5)


def test_span_metrics_overlap_requires_same_type_and_a_shared_character():
    gold = [[("address", 0, 4)]]
    touching = span_metrics(gold, [[("address", 4, 8)]])["address"]
    other_type = span_metrics(gold, [[("district", 0, 4)]])["address"]
    assert touching["overlap"]["f1"] == 0.0
    assert other_type["overlap"]["f1"] == 0.0 and other_type["predicted"] == 0


def test_span_metrics_one_long_prediction_covering_two_gold_spans():
    metrics = span_metrics([[("address", 0, 4), ("address", 5, 9)]], [[("address", 0, 9)]])
    assert metrics["address"]["overlap"]["recall"] == 1.0
    assert metrics["address"]["overlap"]["precision"] == 1.0
    assert metrics["address"]["exact"]["f1"] == 0.0


def test_span_metrics_empty_and_mismatched():
    empty = span_metrics([[], []], [[], []])
    assert empty["micro"]["exact"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    with pytest.raises(ValueError):
        span_metrics([[]], [])
