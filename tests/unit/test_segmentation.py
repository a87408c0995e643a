"""The project's segmentation keeps numbers whole and never emits whitespace tokens."""
import pytest

from mot.nlu.segmentation import load_user_dictionaries, merge_ascii_runs, segment


@pytest.fixture(scope="module", autouse=True)
def dictionaries():
    load_user_dictionaries("data/jieba")


@pytest.mark.parametrize(
    "text, number",
    [
        ("我的户号是3100012345，帮我查下水费", "3100012345"),
        ("电话13912345678", "13912345678"),
        ("工单GD2611240001到哪一步了", "GD2611240001"),
    ],
)
def test_numbers_are_single_tokens(text, number):
    words = [w for w, _ in segment(text)]
    assert number in words


def test_no_whitespace_tokens_and_offsets_are_exact():
    text = "水管爆了  水漫金山了！！ \t 快来"
    tokens = segment(text)
    assert all(w.strip() for w, _ in tokens)
    assert all(text[s:s + len(w)] == w for w, s in tokens)


def test_domain_words_from_the_user_dictionary():
    words = [w for w, _ in segment("江南名城停水了，总阀在哪里")]
    assert "江南名城" in words and "总阀" in words


def test_merge_only_touching_ascii_runs():
    assert merge_ascii_runs([("31000", 0), ("12345", 5)]) == [("3100012345", 0)]
    assert merge_ascii_runs([("31000", 0), ("12345", 6)]) == [("31000", 0), ("12345", 6)]
    assert merge_ascii_runs([("水表", 0), ("123", 2)]) == [("水表", 0), ("123", 2)]


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "a" * 10000])
def test_odd_input_does_not_crash(text):
    tokens = segment(text)
    assert all(text[s:s + len(w)] == w for w, s in tokens)
