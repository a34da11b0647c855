"""The round's validity rules for a paper sheet. Pure: no Django.

A sheet is invalid when the committee declares it so, when it is blank and the round
says a blank ballot is invalid (a sheet with only a written comment is not blank), or
when an item carries two marks and the round's policy is "the whole ballot is invalid";
under the other policy a double-marked item counts as unanswered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

POLICY_UNANSWERED = "unanswered"
POLICY_INVALID = "invalid"


@dataclass(frozen=True)
class Verdict:
    """Whether the sheet is valid, the answers to store, and why it is invalid."""

    valid: bool
    answers: dict[str, str | None]
    reason: str = ""


def judge_sheet(
    answers: Mapping[str, str | None],
    *,
    comment: str = "",
    declared_invalid: bool = False,
    double_marked: Collection[str] = (),
    blank_invalid: bool,
    double_mark_policy: str,
) -> Verdict:
    """Apply the round's rules to one sheet.

    *answers* maps item key → option key or None; *double_marked* names the items with
    two or more marks (their entry in *answers* is ignored). ``reason`` is one of
    ``"declared"``, ``"double_mark"``, ``"blank"`` for an invalid sheet.
    """
    if double_mark_policy not in (POLICY_UNANSWERED, POLICY_INVALID):
        raise ValueError(f"unknown double-mark policy {double_mark_policy!r}")
    cleaned = {key: (None if key in double_marked else value) for key, value in answers.items()}
    for key in double_marked:
        cleaned[key] = None
    if declared_invalid:
        return Verdict(valid=False, answers=cleaned, reason="declared")
    if double_marked and double_mark_policy == POLICY_INVALID:
        return Verdict(valid=False, answers=cleaned, reason="double_mark")
    blank = all(value is None for value in cleaned.values()) and not comment.strip()
    if blank and blank_invalid:
        return Verdict(valid=False, answers=cleaned, reason="blank")
    return Verdict(valid=True, answers=cleaned)
