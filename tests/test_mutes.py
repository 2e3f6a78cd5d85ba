"""news.mutes: what /mute's arguments ask for, and which outlet a name (or a typo) means."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from news.mutes import LIST, REMOVE, SOURCE, Request, closest_outlets, outlet_named, read

OUTLETS = ["BBC News", "Deutsche Welle", "The Guardian", "Українська правда"]


def test_the_three_reserved_words_are_actions_and_quotes_make_them_words() -> None:
    assert read("list") == Request(LIST, "")
    assert read("  LIST  ") == Request(LIST, "")
    assert read("remove 2") == Request(REMOVE, "2")
    assert read("source  BBC News ") == Request(SOURCE, "BBC News")
    assert read('"list"') == Request(None, '"list"')
    assert read("«source»") == Request(None, "«source»")
    assert read("Chelsea") == Request(None, "Chelsea")
    assert read('"Premier League" -women') == Request(None, '"Premier League" -women')
    assert read("listing") == Request(None, "listing")
    assert read("") == Request(None, "")


@given(st.text(max_size=40))
def test_any_text_reads_as_an_action_or_as_the_words_typed(text: str) -> None:
    request = read(text)
    if request.action is None:
        assert request.rest == text.strip()
    else:
        assert text.split()[0].casefold() == request.action


def test_an_outlet_is_found_by_its_name_in_any_case_and_spacing() -> None:
    assert outlet_named("bbc   news", OUTLETS) == "BBC News"
    assert outlet_named("УКРАЇНСЬКА ПРАВДА", OUTLETS) == "Українська правда"
    assert outlet_named("BBC", OUTLETS) is None


def test_a_typo_or_a_part_of_a_name_gets_the_closest_outlets() -> None:
    assert closest_outlets("BBC Nwes", OUTLETS) == ["BBC News"]
    assert closest_outlets("bbc", OUTLETS) == ["BBC News"]
    assert closest_outlets("guardain", OUTLETS)[:1] == ["The Guardian"]
    assert closest_outlets("Українська", OUTLETS) == ["Українська правда"]
    assert closest_outlets("zzzz", OUTLETS) == []
    assert closest_outlets("  ", OUTLETS) == []
