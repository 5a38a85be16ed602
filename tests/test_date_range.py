"""Dates outside 1900..2200 are refused at input; one stored by an older version breaks nothing."""

from __future__ import annotations

import json

from dealcoach.deals.models import Deal


def test_a_far_date_is_refused_at_input_with_one_line(run):
    run("deal", "new", "--name", "Victim")
    result = run("log", "add", "Victim", "--kind", "call", "--outcome", "connected",
                 "--date", "9999-12-31T23:30:00-05:00")
    assert result.exit_code == 2
    assert result.stderr == "error: --date: the year 9999 is outside 1900..2200\n"
    close = run("deal", "edit", "Victim", "--close", "1899-12-31")
    assert close.exit_code == 1 and "expected_close: the year 1899 is outside 1900..2200" in close.stderr


def test_a_far_date_stored_by_an_older_version_breaks_nothing(run, tmp_path):
    from dealcoach.store import open_store

    run("deal", "new", "--name", "Victim", "--close", "2027-01-31")
    run("deal", "new", "--name", "Bystander")
    with open_store() as store:
        deal = store.find("Victim")
        old = Deal.model_validate({**deal.model_dump(mode="json"), "expected_close": "9999-12-31", "activities": [
            {"date": "9999-12-31T23:30:00-05:00", "kind": "call", "outcome": "connected"}]}, context={"stored": True})
        store.save(old, "old-version")
    for command in (("followup", "--json", "--days", "100000"), ("funnel", "--json"), ("grade", "--deals", "--json"),
                    ("deal", "list", "--json")):
        result = run(*command)
        assert result.exit_code == 0, (command, result.stderr)
        assert "internal error" not in result.stderr
    graded = json.loads(run("grade", "--deals", "--json").stdout)
    assert {p["name"] for p in graded["prospects"]} == {"Victim", "Bystander"}
