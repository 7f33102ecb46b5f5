"""The rules that turn call legs into calls (history.calls): pure, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from voiphistory.history.calls import CallCriteria, Outcome, group_calls, is_first_leg, leg_tree, sort_calls
from voiphistory.voipstudio import Cdr

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ANN, BOB = 501, 502


def leg(id: int, seconds: int = 0, **fields) -> Cdr:
    return Cdr(id=id, calldate=T0 + timedelta(seconds=seconds), **fields)


def queue_call(*, answered: bool = True, deprecated: bool = True, base: int = 0) -> list[Cdr]:
    """Main line → menu → queue → (Ann rang, no answer) → Bob answered; as the emulator writes it."""
    root = {"root_live_id": 100 + base} if deprecated else {}
    outcome = (
        {"type": "I", "disposition": "CONNECTED"} if answered else {"type": "M", "disposition": "RINGING"}
    )
    legs = [
        leg(
            base + 1,
            0,
            live_id=100 + base,
            destination="in",
            context="PSTN_CALL",
            src="442071234567",
            dst="442038467190",
            duration=200,
            billsec=199 if answered else 0,
            is_root=True if deprecated else None,
            **root,
            **outcome,
        ),
        leg(
            base + 2,
            1,
            live_id=101 + base,
            parent_live_id=100 + base,
            destination="in",
            context="IVR",
            dst_id="IVR324",
            duration=199,
            **root,
            **outcome,
        ),
        leg(
            base + 3,
            20,
            live_id=102 + base,
            parent_live_id=101 + base,
            destination="in",
            context="QUEUE",
            dst_id="Queue12443",
            dst_name="Sales",
            duration=180,
            **root,
            **outcome,
        ),
        leg(
            base + 4,
            40,
            live_id=103 + base,
            parent_live_id=102 + base,
            destination="in",
            context="QUEUE",
            type="M",
            disposition="RINGING",
            user_id=ANN,
            duration=20,
            billsec=0,
            **root,
        ),
    ]
    if answered:
        legs.append(
            leg(
                base + 5,
                61,
                live_id=104 + base,
                parent_live_id=102 + base,
                destination="in",
                context="QUEUE",
                type="I",
                disposition="CONNECTED",
                user_id=BOB,
                duration=139,
                billsec=130,
                **root,
            )
        )
    return legs


def test_a_queue_call_is_one_call_answered_by_the_agent_who_talked():
    [call] = group_calls(queue_call())
    assert call.id == 1 and len(call.legs) == 5
    assert call.outcome is Outcome.ANSWERED and call.type == "I" and call.disposition == "CONNECTED"
    assert call.user_ids == (BOB,) and call.describe({BOB: "Bob Day"}) == "Answered by Bob Day"
    assert call.duration == 200  # the first leg's start to the last leg's end
    assert call.billsec == 130  # Bob's talk, not the main line's connected time
    assert [depth for _, depth in call.tree] == [0, 1, 2, 3, 3]


def test_the_chain_alone_groups_when_the_deprecated_fields_are_absent():
    [call] = group_calls(queue_call(deprecated=False))
    assert call.id == 1 and len(call.legs) == 5 and call.outcome is Outcome.ANSWERED


def test_legs_arrive_in_any_order_and_twice():
    legs = queue_call()
    [call] = group_calls([*reversed(legs), legs[2]])
    assert [leg.id for leg in call.legs] == [1, 2, 3, 4, 5]


def test_root_live_id_groups_a_chain_with_a_missing_middle_leg():
    legs = [leg for leg in queue_call() if leg.id != 3]  # the queue leg was deleted
    [call] = group_calls(legs)
    assert call.id == 1 and len(call.legs) == 4


def test_a_broken_chain_without_deprecated_fields_is_two_calls():
    legs = [leg for leg in queue_call(deprecated=False) if leg.id != 3]
    calls = group_calls(legs)
    assert [c.id for c in calls] == [
        1,
        4,
    ]  # the agent legs (siblings) lost their parent: one call of their own
    assert len(calls[1].legs) == 2


def test_a_leg_with_no_linking_fields_is_its_own_call():
    calls = group_calls(
        [
            leg(
                7,
                0,
                type="O",
                destination="out",
                disposition="CONNECTED",
                billsec=30,
                duration=35,
                user_id=ANN,
            ),
            leg(8, 5, type="I", destination="in", disposition="CONNECTED"),
        ]
    )
    assert [c.id for c in calls] == [7, 8]
    assert (
        calls[0].type == "O"
        and calls[0].billsec == 30
        and calls[0].duration == 35
        and calls[0].user_ids == (ANN,)
    )
    assert calls[1].duration == 0 and calls[1].billsec == 0  # nothing known: zero, not a crash


def test_unanswered_queue_call_was_abandoned_in_the_queue():
    [call] = group_calls(queue_call(answered=False))
    assert call.outcome is Outcome.ABANDONED_QUEUE and call.type == "M" and call.disposition == "RINGING"
    assert call.describe({}) == "Abandoned in the queue (Sales)"
    assert call.user_ids == (ANN,)  # who it rang


def test_hung_up_in_the_menu_busy_and_missed():
    menu = group_calls(
        [
            leg(1, live_id=1, destination="in", type="M", disposition="INITIAL", duration=9),
            leg(
                2,
                1,
                live_id=2,
                parent_live_id=1,
                destination="in",
                type="M",
                disposition="INITIAL",
                context="IVR",
                dst_id="IVR324",
                duration=8,
            ),
        ]
    )
    busy = group_calls([leg(3, type="M", destination="in", disposition="INITIAL", t_cause="User busy")])
    missed = group_calls([leg(4, type="M", destination="in", disposition="RINGING", user_id=ANN)])
    assert menu[0].outcome is Outcome.ABANDONED_MENU and menu[0].describe({}) == "Hung up in the menu"
    assert busy[0].outcome is Outcome.BUSY and busy[0].type == "M"
    assert missed[0].describe({ANN: "Ann Lee"}) == "Missed (rang Ann Lee)" and missed[0].type == "M"


def test_voicemail_names_the_mailbox_and_counts_as_inbound_not_missed():
    legs = [
        leg(1, live_id=1, destination="in", type="I", disposition="VM", user_id=ANN, duration=60, billsec=40),
        leg(
            2,
            20,
            live_id=2,
            parent_live_id=1,
            destination="in",
            type="I",
            disposition="VM",
            user_id=ANN,
            dst_ua="Voicemail",
            duration=40,
            billsec=40,
        ),
    ]
    [call] = group_calls(legs)
    assert call.outcome is Outcome.VOICEMAIL and call.type == "I" and call.disposition == "VM"
    assert call.billsec == 0  # a message left is not talk
    assert call.describe({ANN: "Ann Lee"}) == "Went to voicemail (Ann Lee)"


def test_follow_me_talk_is_counted_once():
    legs = [
        leg(
            1,
            live_id=1,
            destination="in",
            type="I",
            disposition="CONNECTED",
            user_id=ANN,
            duration=100,
            billsec=80,
        ),
        leg(
            2,
            15,
            live_id=2,
            parent_live_id=1,
            destination="in",
            type="I",
            disposition="CONNECTED",
            user_id=ANN,
            context="FOLLOW_ME",
            duration=85,
            billsec=80,
        ),
    ]
    [call] = group_calls(legs)
    assert call.billsec == 80 and call.user_ids == (ANN,)


def test_a_transfer_counts_both_agents_talk():
    legs = [
        leg(
            1,
            live_id=1,
            destination="in",
            type="I",
            disposition="CONNECTED",
            user_id=ANN,
            duration=300,
            billsec=100,
        ),
        leg(
            2,
            100,
            live_id=2,
            parent_live_id=1,
            destination="in",
            type="I",
            disposition="CONNECTED",
            user_id=BOB,
            duration=200,
            billsec=200,
        ),
    ]
    [call] = group_calls(legs)
    assert call.billsec == 300 and call.user_ids == (ANN, BOB)
    assert call.describe({ANN: "Ann", BOB: "Bob"}) == "Answered by Ann, Bob"


def test_outbound_not_answered_and_call_me_back_direction():
    out = group_calls(
        [leg(1, type="M", destination="out", disposition="RINGING", user_id=ANN, context="USER_LOCAL")]
    )
    cmb = group_calls([leg(2, type="O", destination="callmeback", disposition="RINGING")])
    assert out[0].type == "O" and out[0].outcome is Outcome.NOT_ANSWERED
    assert cmb[0].type == "O"


def test_a_parent_loop_shows_every_leg():
    legs = [leg(1, live_id=1, parent_live_id=2), leg(2, 1, live_id=2, parent_live_id=1)]
    [call] = group_calls(legs)
    assert sorted(leg.id for leg in call.legs) == [1, 2]
    assert len(leg_tree(legs)) == 2


def test_is_first_leg_on_the_legs_own_evidence():
    legs = queue_call(deprecated=False)
    assert [is_first_leg(leg) for leg in legs] == [True, False, False, False, False]
    assert is_first_leg(leg(9)) and not is_first_leg(leg(10, live_id=5, root_live_id=4))


@pytest.mark.parametrize(
    ("criteria", "matches"),
    [
        (CallCriteria(type="I"), True),
        (CallCriteria(type="M"), False),
        (CallCriteria(disposition="CONNECTED"), True),
        (CallCriteria(user=BOB), True),
        (CallCriteria(user=ANN), False),  # Ann only rang; Bob answered
        (CallCriteria(min_duration=200), True),
        (CallCriteria(min_duration=201), False),
        (CallCriteria(max_duration=199), False),
        (CallCriteria(src="2071234"), True),
        (CallCriteria(dst="2038467"), True),
        (CallCriteria(dst="12443"), False),
        (CallCriteria(text="44207", text_field="src"), True),
        (CallCriteria(text="x", text_field="info"), False),
    ],
)
def test_filters_apply_to_whole_calls(criteria, matches):
    [call] = group_calls(queue_call())
    assert criteria.matches(call) is matches


def test_sorting_calls_by_a_column():
    calls = group_calls([*queue_call(), *queue_call(answered=False, base=10)])
    assert [c.id for c in sort_calls(calls, "billsec", descending=True)] == [1, 11]
    assert [c.id for c in sort_calls(calls, "calldate", descending=True)] == [11, 1]
    assert [c.id for c in sort_calls(calls, "user_id", descending=False)] == [11, 1]  # Ann (501) before Bob


def test_a_queue_named_as_a_queue_is_not_said_twice():
    legs = [
        leg(1, live_id=1, destination="in", type="M", disposition="RINGING", duration=60),
        leg(
            2,
            5,
            live_id=2,
            parent_live_id=1,
            destination="in",
            type="M",
            disposition="RINGING",
            dst_id="Queue12444",
            dst_name="Support queue",
            duration=55,
        ),
    ]
    assert group_calls(legs)[0].describe({}) == "Abandoned in the Support queue"
