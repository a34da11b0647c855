"""The published JSON form of a tally (API, snapshots, independent recount). Pure.

A document carries what a verifier needs to recompute every figure from the anonymised
ballots without the product: the rules (k, flag rule, low options) and each item's
options with their scores. Comments are left out unless asked for (they belong to the
leader's confidential report, never to the public tally).
"""

from __future__ import annotations

from typing import Any, Final

from phieukin.tallying.tally import (
    RoundTally,
    Rules,
    Shape,
    SubjectTally,
    WardTally,
    to_json,
)

FORMAT: Final = "phieukin-tally-v1"
NOT_PUBLIC: Final = "not_public"


def _header(shape: Shape, rules: Rules) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "rules": {
            "k": rules.k,
            "k_comments": rules.k_comments,
            "flag_low_share": rules.flag_low_share,
            "flag_mean_below": rules.flag_mean_below,
            "flag_analogy": rules.flag_analogy,
            "low_option_keys": list(rules.low_option_keys),
            "unanimity_below": rules.small_group,
        },
        "sections": list(shape.sections),
        "items": [
            {
                "key": item.key,
                "section": item.section,
                "options": [
                    {"key": key, "score": score}
                    for key, score in zip(item.option_keys, item.scores, strict=True)
                ],
            }
            for item in shape.items
        ],
    }


def _subject(st: SubjectTally, include_comments: bool) -> Any:
    data = to_json(st)
    assert isinstance(data, dict)
    if not include_comments:
        data["comments"] = None
        data["comments_suppressed"] = st.comments_suppressed or NOT_PUBLIC
    return data


def _ward(ward: WardTally, include_comments: bool) -> dict[str, Any]:
    return {
        "unit": ward.unit,
        "total": to_json(ward.total),
        "subjects": [_subject(st, include_comments) for st in ward.subjects],
    }


def box_document(
    *,
    box: int,
    ward: WardTally,
    shape: Shape,
    rules: Rules,
    include_comments: bool = False,
) -> dict[str, Any]:
    """Return the JSON document of one sealed box's tally."""
    return {**_header(shape, rules), "box": box, "ward": _ward(ward, include_comments)}


def round_document(
    *,
    round: int,
    tally: RoundTally,
    shape: Shape,
    rules: Rules,
    include_comments: bool = False,
) -> dict[str, Any]:
    """Return the JSON document of a round's tally (district, wards, leaders)."""
    return {
        **_header(shape, rules),
        "round": round,
        "district": to_json(tally.total),
        "wards": [_ward(w, include_comments) for w in tally.wards],
    }
