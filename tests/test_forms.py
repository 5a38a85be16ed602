"""Forms that keep what was typed: each answer checked as it is typed (only that field asked again,
with the reason), drafts kept on Ctrl-C and offered back, pickers that filter, the role picker with
the six roles first. Real questionary prompts through prompt_toolkit's pipe input (`keys`)."""

from __future__ import annotations

import json

import pytest

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
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=Vt100_Output(screen, lambda: Size(rows=24, columns=80))):
        pipe.send_text("内部" + SPACE + ENTER)                   # the six roles filter as you type too
        assert ask_roles(catalog, "zh") == ["insider"]
    shown = screen.getvalue()
    assert "首倡者" in shown and "核心决策者" in shown and "更多角色" in shown and "Use arrow keys" not in shown
    assert "空格勾选" in shown


def test_select_filters_as_you_type(keys):
    from dealcoach.prompts import ask_select

    keys.send_text("八步" + ENTER)
    assert ask_select("?", [("六步标准销售流程", "six-step"), ("客户采购八步 · 销售推进八步", "eight-step")],
                      default="six-step") == "eight-step"


# --- people add, log add, deal edit: each answer checked as typed, drafts kept ------------------------

BACKSPACE = "\x7f"


@pytest.fixture
def screen():
    """Real prompts fed through pipe input, drawing on an 80-column screen kept as text."""
    import io

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    shown = io.StringIO()
    with create_pipe_input() as pipe, \
            create_app_session(input=pipe, output=Vt100_Output(shown, lambda: Size(rows=24, columns=80))):
        yield pipe, shown


def _when_shown(screen, text: str, then: str):
    """Send `then` once the screen shows `text` (the reason a prompt gives for refusing an answer):
    typed ahead, the next keys would be read before the reason is ever drawn."""
    import threading
    import time

    keys, shown = screen

    def wait_and_type() -> None:
        deadline = time.monotonic() + 20
        while text not in shown.getvalue() and time.monotonic() < deadline:
            time.sleep(0.02)
        keys.send_text(then if text in shown.getvalue() else CTRL_C)  # never shown: stop the prompt

    threading.Thread(target=wait_and_type, daemon=True).start()


def test_people_add_refuses_a_name_already_on_the_deal_as_typed_and_keeps_the_rest(run, screen):
    keys, shown = screen
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "王总")
    keys.send_text("王总" + ENTER)                         # already on the deal: refused where it is typed
    _when_shown(screen, "已在商机 甲项目 中",          # the reason, in the user's language
                BACKSPACE * 2 + "涂主任" + ENTER          # only the name is asked again
                + "技术部主任" + ENTER + "技术部" + ENTER     # title, department
                + ENTER + ENTER                           # level, roles (none ticked)
                + ENTER * 3                               # attitude, influence, contact
                + ENTER)                                  # reports to: nobody
    result = run("people", "add", "甲项目", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "已在商机 甲项目 中" in shown.getvalue()
    people = json.loads(run("people", "list", "甲项目", "--json").stdout)
    assert [(p["name"], p["title"], p["department"]) for p in people] == \
        [("王总", None, None), ("涂主任", "技术部主任", "技术部")]


def test_people_add_keeps_a_draft_on_ctrl_c_and_resumes_it(run, keys, isolated_home):
    run("deal", "new", "--name", "甲项目")
    keys.send_text("涂主任" + ENTER + "技术部主任" + ENTER + CTRL_C)
    result = run("people", "add", "甲项目")
    assert result.exit_code == 130
    draft = isolated_home / "drafts" / "person-1.json"
    assert json.loads(draft.read_text(encoding="utf-8")) == {"name": "涂主任", "title": "技术部主任"}
    assert draft.stat().st_mode & 0o777 == 0o600
    keys.send_text(ENTER)                                  # resume the draft: yes
    keys.send_text(ENTER + ENTER)                          # name and title: as typed last time
    keys.send_text(ENTER * 7)                              # department, level, roles, attitude...
    result = run("people", "add", "甲项目")
    assert result.exit_code == 0, result.output
    [person] = json.loads(run("people", "list", "甲项目", "--json").stdout)
    assert (person["name"], person["title"]) == ("涂主任", "技术部主任")
    assert not draft.exists()


def test_log_add_refuses_a_time_that_is_not_one_and_asks_only_for_it(run, screen):
    import datetime as dt

    from conftest import EXAMPLES

    keys, shown = screen
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    first = json.loads(run("people", "list", "1", "--json").stdout)[0]["name"]
    keys.send_text(ENTER)                                  # kind: call
    keys.send_text(DOWN + ENTER)                           # outcome: connected
    keys.send_text(ENTER)                                  # contact: the first person
    keys.send_text("回头再说" + ENTER)                      # when: not a time, refused as typed
    _when_shown(screen, "不是日期和时间",
                BACKSPACE * 4 + "昨天下午3点" + ENTER       # asked again, only the time
                + "回电" + ENTER)                           # note
    result = run("log", "add", "1", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "不是日期和时间" in shown.getvalue()
    [activity] = json.loads(run("log", "1", "--json").stdout)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert activity["date"].startswith(f"{yesterday.isoformat()}T15:00")
    assert (activity["kind"], activity["outcome"], activity["contact"], activity["note"]) == \
        ("call", "connected", first, "回电")


def test_a_visit_summary_interrupted_by_ctrl_c_resumes_with_every_answer(run, keys, isolated_home):
    from conftest import EXAMPLES

    from dealcoach.playbook.loader import load_playbook
    from dealcoach.usecases.activity import visit_form

    run("deal", "import", str(EXAMPLES / "company-a-information-system.yaml"))
    fields = [field.id for field in visit_form(load_playbook("eight-step")).fields]
    keys.send_text(DOWN + ENTER)                           # kind: visit
    keys.send_text(ENTER + ENTER + ENTER)                  # outcome: held; contact: the first person; when: now
    keys.send_text("见了总经理" + ENTER + "谈了预算" + ENTER)  # the first two fields of the summary
    keys.send_text(CTRL_C)
    assert run("log", "add", "A公司").exit_code == 130
    assert json.loads(run("log", "A公司", "--json").stdout) == []  # nothing saved
    draft = json.loads((isolated_home / "drafts" / "log-1.json").read_text(encoding="utf-8"))
    assert draft["kind"] == "visit" and draft[f"form.{fields[1]}"] == "谈了预算"
    keys.send_text(ENTER)                                  # resume: yes
    keys.send_text(ENTER * 6)                              # kind, outcome, contact, when, two fields: kept
    for _ in fields[2:]:
        keys.send_text(ENTER)                              # the rest of the summary: left empty
    keys.send_text("好" + ENTER)                            # note
    result = run("log", "add", "A公司")
    assert result.exit_code == 0, result.output
    [activity] = json.loads(run("log", "A公司", "--json").stdout)
    assert (activity["kind"], activity["outcome"], activity["note"]) == ("visit", "held", "好")
    assert activity["form"] == {fields[0]: "见了总经理", fields[1]: "谈了预算"}


def test_new_deal_refuses_an_amount_the_deal_cannot_hold_as_typed(run, screen):
    keys, shown = screen
    keys.send_text("宁夏新工程项目工业油" + ENTER + ENTER + ENTER)  # name, account, playbook
    keys.send_text("-5" + ENTER)                                   # parses, but a deal's amount is >= 0
    _when_shown(screen, "应大于或等于 0",
                BACKSPACE * 2 + "EUR 5,000" + ENTER
                + ENTER + ENTER + ENTER)                           # currency (EUR, from the amount), close, prob.
    result = run("deal", "new", "--json", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    assert "应大于或等于 0" in shown.getvalue()
    deal = json.loads(result.stdout)
    assert (deal["amount"], deal["currency"]) == (5000.0, "EUR")


def test_deal_edit_asks_each_field_prefilled_and_refuses_a_bad_date_as_typed(run, keys):
    run("deal", "new", "--name", "甲项目", "--amount", "80万")
    keys.send_text(ENTER + ENTER + ENTER + ENTER)          # name, account, amount, currency: as stored
    keys.send_text("下辈子" + ENTER)                        # close: not a date, asked again
    keys.send_text(BACKSPACE * 3 + "2027/3/15" + ENTER)
    keys.send_text("三成" + ENTER)                          # probability
    keys.send_text(ENTER + ENTER + ENTER)                  # criteria, whom they favour, culture: as stored
    result = run("deal", "edit", "甲项目", "--json")
    assert result.exit_code == 0, result.stderr
    deal = json.loads(result.stdout)
    assert (deal["amount"], deal["expected_close"], deal["probability"]) == (800000.0, "2027-03-15", 0.3)
    assert (deal.get("criteria"), deal.get("culture")) == (None, None)   # Enter kept "not known"


def test_without_a_terminal_each_form_names_its_flags_in_the_users_language(run):
    run("deal", "new", "--name", "甲项目")
    for args, flag in ((("deal", "edit", "甲项目"), "--amount"), (("people", "add", "甲项目"), "--name"),
                       (("log", "add", "甲项目"), "--kind"), (("deal", "new"), "--name")):
        result = run(*args, "--lang", "zh")
        assert result.exit_code == 2, args
        assert "没有终端" in result.stderr and flag in result.stderr, (args, result.stderr)


def test_ctrl_d_cancels_like_ctrl_c_and_keeps_the_draft(run, keys, isolated_home):
    run("deal", "new", "--name", "甲项目")
    keys.send_text("涂主任" + ENTER + "技术部主任" + ENTER + "\x04")   # Ctrl-D at the third question
    result = run("people", "add", "甲项目")
    assert result.exit_code == 130, result.stderr
    assert "internal error" not in result.stderr and "Aborted" not in result.stderr
    draft = isolated_home / "drafts" / "person-1.json"
    assert json.loads(draft.read_text(encoding="utf-8")) == {"name": "涂主任", "title": "技术部主任"}
