"""Forms that keep what was typed: each answer checked as it is typed (only that field asked again,
with the reason), drafts kept on Ctrl-C and offered back, pickers that filter, the role picker with
the six roles first. Real questionary prompts through prompt_toolkit's pipe input (`keys`)."""

from __future__ import annotations

import json

ENTER, DOWN, SPACE, CTRL_C = "\r", "\x1b[B", " ", "\x03"


def test_new_deal_refuses_a_bad_amount_as_typed_and_keeps_the_other_answers(run, keys):
    keys.send_text("宁夏新工程项目工业油" + ENTER)   # name
    keys.send_text("宁夏某新工程项目" + ENTER)       # account
    keys.send_text(ENTER)                            # playbook: six-step
    keys.send_text("八十万块钱" + ENTER)              # a bad amount: refused, asked again as typed
    keys.send_text("\x7f" * 5 + "80万" + ENTER)      # corrected in place
    keys.send_text(ENTER)                            # currency CNY
    keys.send_text("2027/3/15" + ENTER)              # close, as people type it
    keys.send_text("三成" + ENTER)                   # probability
    result = run("deal", "new", "--json")
    assert result.exit_code == 0, result.stderr
    deal = json.loads(result.stdout)
    assert (deal["name"], deal["amount"], deal["expected_close"], deal["probability"]) == \
        ("宁夏新工程项目工业油", 800000.0, "2027-03-15", 0.3)


def test_new_deal_keeps_a_draft_on_ctrl_c_and_offers_it_next_time(run, keys, isolated_home):
    keys.send_text("宁夏新工程项目工业油" + ENTER)
    keys.send_text("宁夏某新工程项目" + ENTER)
    keys.send_text(CTRL_C)
    result = run("deal", "new")
    assert result.exit_code == 130
    draft = isolated_home / "drafts" / "new-deal.json"
    assert json.loads(draft.read_text(encoding="utf-8"))["account"] == "宁夏某新工程项目"
    assert draft.stat().st_mode & 0o077 == 0
    assert "draft" in result.stderr
    keys.send_text(ENTER)                            # resume the draft: yes
    keys.send_text(ENTER)                            # name: kept from the draft
    keys.send_text(ENTER)                            # account: kept
    keys.send_text(ENTER + ENTER + ENTER + ENTER + ENTER + ENTER)
    result = run("deal", "new", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["account"] == "宁夏某新工程项目"
    assert not draft.exists()


def test_role_picker_shows_the_six_roles_first_and_the_others_on_request(run, keys):
    import io

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    from dealcoach.playbook.loader import load_catalog
    from dealcoach.prompts import ask_roles

    catalog = load_catalog()
    screen = io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=Vt100_Output(screen, lambda: Size(rows=24, columns=80))):
        pipe.send_text(DOWN * 5 + SPACE + DOWN + SPACE + ENTER)    # 核心决策者, then "more roles"
        pipe.send_text("破坏" + SPACE + ENTER)                     # typed to filter the other models' roles
        picked = ask_roles(catalog, "zh")
    assert picked == ["decision-maker", "saboteur"]
    shown = screen.getvalue()
    assert "首倡者" in shown and "核心决策者" in shown and "更多角色" in shown and "Use arrow keys" not in shown
    assert "空格勾选" in shown


def test_select_filters_as_you_type(keys):
    from dealcoach.prompts import ask_select

    keys.send_text("八步" + ENTER)
    assert ask_select("?", [("六步标准销售流程", "six-step"), ("客户采购八步 · 销售推进八步", "eight-step")],
                      default="six-step") == "eight-step"
