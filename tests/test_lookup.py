"""One lookup rule and one set of messages for deals, people and graded prospects (deals/lookup.py)."""

from __future__ import annotations

import pytest

from dealcoach.deals.lookup import find_one, find_person, matching
from dealcoach.deals.models import Deal
from dealcoach.errors import AmbiguousError, NotFoundError


def _deal(*names: str) -> Deal:
    return Deal(name="甲项目", playbook="six-step", people=[{"name": name} for name in names])


def test_an_exact_name_wins_over_names_that_contain_it():
    assert matching("王总", ["王总经理", "王总", "副王总"]) == [1]
    assert matching(" 王总 ", ["王总经理", "王总"]) == [1]


def test_otherwise_any_name_containing_the_text_ignoring_case():
    assert matching("acme", ["ACME Logistics", "Other", "acme parts"]) == [0, 2]
    assert matching("zzz", ["a", "b"]) == []


def test_two_people_matching_is_ambiguous_and_lists_them():
    with pytest.raises(AmbiguousError) as caught:
        find_person(_deal("王总", "王工", "李经理"), "王")
    assert caught.value.message == "'王' matches 2 people on deal 甲项目 (王总; 王工); give the full name"


def test_one_person_matching_part_of_the_name_is_found():
    assert find_person(_deal("王总", "李经理"), "经理").name == "李经理"


def test_no_person_suggests_the_closest_name():
    with pytest.raises(NotFoundError) as caught:
        find_person(_deal("王总", "李经理", "赵工"), "李经里")
    assert caught.value.message == "no person matches '李经里' on deal 甲项目 (did you mean 李经理?)"


def test_no_person_and_nothing_close_lists_a_short_list_whole():
    with pytest.raises(NotFoundError) as caught:
        find_person(_deal("王总", "李经理"), "nobody", hint=("lookup.hint_add_person", {"deal": 1}))
    assert caught.value.message == ("no person matches 'nobody' on deal 甲项目 (known: 王总, 李经理); "
                                    "add them with `dealcoach people add 1 --name ...`, or leave out --contact")


def test_no_person_on_a_deal_without_people():
    with pytest.raises(NotFoundError) as caught:
        find_person(_deal(), "王")
    assert caught.value.message == "no person matches '王' on deal 甲项目 (there are none yet)"


def test_a_long_list_is_not_listed_whole_and_ambiguity_lists_at_most_ten():
    names = [f"deal {i:02d}" for i in range(12)]
    with pytest.raises(NotFoundError) as missing:
        find_one("xyz", names, str, noun="deal", nouns="deals")
    assert missing.value.message == "no deal matches 'xyz'"
    with pytest.raises(AmbiguousError) as caught:
        find_one("deal", names, str, noun="deal", nouns="deals", fix="lookup.fix_id")
    assert caught.value.message.startswith("'deal' matches 12 deals (deal 00; deal 01;")
    assert caught.value.message.endswith("deal 09; ...); use the id")


# --- the same answers from the commands -------------------------------------------------------------


@pytest.fixture
def two_wangs(run):
    assert run("deal", "new", "--name", "甲项目").exit_code == 0
    for name in ("王总", "王工", "李经理"):
        assert run("people", "add", "甲项目", "--name", name).exit_code == 0
    return "甲项目"


def test_people_show_with_two_matches_says_ambiguous(run, two_wangs):
    result = run("people", "show", two_wangs, "王")
    assert result.exit_code == 1
    assert result.stderr == "error: '王' matches 2 people on deal 甲项目 (王总; 王工); give the full name\n"


def test_people_edit_and_rm_use_the_same_lookup(run, two_wangs):
    edited = run("people", "edit", two_wangs, "王", "--title", "x")
    assert edited.exit_code == 1 and "'王' matches 2 people on deal 甲项目" in edited.stderr
    removed = run("people", "rm", two_wangs, "李经里", "--yes")
    assert removed.exit_code == 1
    assert removed.stderr == "error: no person matches '李经里' on deal 甲项目 (did you mean 李经理?)\n"
    assert run("people", "rm", two_wangs, "经理", "--yes").exit_code == 0


def test_deal_show_with_two_matches_says_ambiguous_and_lists_ids(run):
    run("deal", "new", "--name", "宁夏物流")
    run("deal", "new", "--name", "宁夏仓储")
    result = run("deal", "show", "宁夏")
    assert result.exit_code == 1
    assert result.stderr == "error: '宁夏' matches 2 deals (1: 宁夏物流; 2: 宁夏仓储); use the id\n"
    assert run("deal", "show", "仓储").exit_code == 0


def test_deal_show_suggests_the_closest_deal(run):
    run("deal", "new", "--name", "宁夏物流")
    result = run("deal", "show", "宁夏物留")
    assert result.exit_code == 1
    assert result.stderr == ("error: no deal matches '宁夏物留' (did you mean 宁夏物流?); "
                             "see `dealcoach deal list`\n")
