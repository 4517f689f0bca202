"""Every discrepancy rule, firing and not firing, on the facts of one station and contest."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from integrity.rules import BY_ID, RULES, CopyFacts, Facts, Figures, RecordFacts, findings

LINES = {
    "l1_voters": 1000, "l2_received": 1000, "l3_issued": 600, "l3a_mobile": 20,
    "l3b_absentee": 5, "l4_cancelled": 400, "l5_found": 600, "l6_invalid": 10, "l7_valid": 590,
}  # fmt: skip
VOTES = {1: 400, 2: 150, 3: 40}
CLOSED = datetime(2023, 3, 19, 15, 0, tzinfo=UTC)


def figures(lines=None, **votes) -> Figures:
    return Figures(
        {**LINES, **(lines or {})}, {**VOTES, **{int(k[1:]): v for k, v in votes.items()}}
    )


def record(fig: Figures | None = None, **fields) -> RecordFacts:
    values = {"replaces": None, "reason": "", "legal_basis": "", "complaint": None, **fields}
    return RecordFacts(fig or figures(), **values)


def copy(id_=1, source="certified_copy", fig: Figures | None = None, images=("a" * 64,)):
    return CopyFacts(id_, source, figures() if fig is None else fig, images)


def facts(copies, records, now=CLOSED + timedelta(hours=1), **extra) -> Facts:
    return Facts(copies, records, CLOSED, now, 12.0, **extra)


def fired(facts_: Facts, rule: str) -> list:
    return [finding for finding in findings(facts_) if finding.rule == rule]


def test_every_rule_has_an_id_a_meaning_and_a_severity():
    assert len(RULES) == len(BY_ID) == 7
    assert all(str(rule.meaning) and rule.severity in ("high", "medium") for rule in RULES)


def test_a_matching_copy_raises_nothing():
    assert findings(facts([copy()], [record()])) == []


def test_a_copy_that_differs_from_the_published_record_and_whether_it_favours_the_leader():
    rewritten = record(figures(v1=430, v2=120))  # 30 votes moved to the leader after the count
    (found,) = fired(facts([copy()], [rewritten]), "copy_differs")
    assert found.copy == 1 and found.detail["favours_leader"] is True
    assert found.detail["fields"] == {
        "vote:1": {"copy": 400, "published": 430}, "vote:2": {"copy": 150, "published": 120},
    }  # fmt: skip

    slip = record(figures(v2=105, v3=85))  # a slip between two others: the leader untouched
    (found,) = fired(facts([copy()], [slip]), "copy_differs")
    assert found.detail["favours_leader"] is False
    assert not fired(facts([copy(source="posted_photo")], [slip]), "copy_differs")


def test_a_photo_of_the_posted_protocol_that_differs():
    photo = copy(source="posted_photo")
    assert fired(facts([photo], [record(figures(v1=401, v3=39))]), "photo_differs")
    assert not fired(facts([photo], [record()]), "photo_differs")
    assert not fired(facts([copy()], [record(figures(v1=401, v3=39))]), "photo_differs")


def test_two_copies_that_disagree():
    one, other = copy(1), copy(2, fig=figures(v1=399, v3=41))
    (found,) = fired(facts([one, other], [record()]), "copies_disagree")
    assert (found.copy, found.detail["other_copy"]) == (2, 1)
    assert found.detail["fields"]["vote:1"] == {"copy": 399, "other_copy": 400}  # not "published"
    assert not fired(facts([one, copy(2)], [record()]), "copies_disagree")
    assert not fired(facts([one, replace(other, figures=None)], []), "copies_disagree")


def test_control_relations_kept_on_one_side_only():
    broken = figures({"l7_valid": 600})  # 600 valid, 590 votes
    assert fired(facts([copy()], [record(broken)]), "control_relations")
    assert fired(facts([copy(fig=broken)], [record()]), "control_relations")
    assert not fired(facts([copy(fig=broken)], [record(broken)]), "control_relations")
    assert not fired(facts([copy()], [record()]), "control_relations")


def test_published_figures_changed_without_a_reason_or_decision():
    first, changed = record(), record(figures(v1=410, v3=30), replaces="f" * 64)
    assert fired(facts([], [first, changed]), "changed_without_reason")
    for explained in ({"reason": "typing slip"}, {"legal_basis": "TEC decision 7"},
                      {"complaint": "KZ2023-T-00001"}):  # fmt: skip
        assert not fired(
            facts([], [first, replace(changed, **explained)]), "changed_without_reason"
        )
    assert not fired(facts([], [first]), "changed_without_reason")


def test_a_copy_of_a_station_still_unpublished_long_after_the_close():
    late = CLOSED + timedelta(hours=12, minutes=1)
    (found,) = fired(facts([copy()], [], now=late), "unpublished_after_close")
    assert found.detail == {"hours": 12.0, "copies": 1}
    assert not fired(
        facts([copy()], [], now=CLOSED + timedelta(hours=11)), "unpublished_after_close"
    )
    assert not fired(facts([copy()], [record()], now=late), "unpublished_after_close")
    assert not fired(facts([], [], now=late), "unpublished_after_close")


def test_one_image_submitted_for_two_stations():
    shared = facts([copy()], [record()], images_elsewhere={"a" * 64: ["ALA-7"]})
    (found,) = fired(shared, "image_reused")
    assert found.detail == {"sha256": "a" * 64, "stations": ["ALA-7"]}
    assert not fired(facts([copy()], [record()], images_elsewhere={"b" * 64: ["ALA-7"]}),
                     "image_reused")  # fmt: skip
