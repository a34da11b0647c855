"""Permission matrix rows of the paper pages (accounts/rules/paper.py).

The paper pages find a box as the box pages do: anyone outside the box's readers (the
ward's staff and the Standing Committee) gets 404. Each page then asks the rule of its
own action: the Standing Committee reads the paper figures (``paper:box``) and is refused
(403) every page that types, scans, reviews, prints or discards; the ward's counting
committee, organisers included, discards or voids a waiting typed sheet. Routes to a
sheet, batch or reading are requested with ids that do not exist, so for them the matrix
checks only that nobody gets more than 404.
"""

from phieukin.testing.matrix import BACK_OFFICE, LOGIN, WARD_STAFF, Row, rows

READ_ONLY = {"standing": 403}


def _page(route: str, *, missing: bool = False) -> list[Row]:
    target = "box_missing_item" if missing else "box"
    return rows(
        route, WARD_STAFF, target=target, refused=404, refused_as=READ_ONLY, absent_ok=missing
    )


def _post_only(
    route: str,
    *,
    allowed: frozenset[str] = WARD_STAFF,
    missing: bool = False,
    data: dict[str, str] | None = None,
) -> list[Row]:
    refused_as = {persona: 403 for persona in WARD_STAFF - allowed} | READ_ONLY
    return rows(
        route,
        allowed,
        methods=("POST",),
        not_served=("GET",),
        not_served_anonymous=LOGIN,
        target="box_missing_item" if missing else "box",
        refused=404,
        refused_as=refused_as,
        absent_ok=missing,
        data=data or {},
    )


ROWS = [
    # The paper figures: read by the Standing Committee too, without the forms.
    *rows("paper:box", WARD_STAFF | {"standing"}, target="box", refused=404),
    *_post_only("paper:counts", data={"issued": "1", "returned": "1"}),
    *_post_only("paper:double_entry"),
    *_post_only("paper:spot_check", data={"percent": "5"}),
    # The scan reader's checks across a round: whoever reads paper figures in one of its
    # wards (the outsider in the second), each over their own wards; the leader sees the
    # round and is refused, the others do not find it.
    *[
        row
        for route in ("paper:round_checks", "paper:round_checks_xlsx")
        for row in rows(
            route,
            BACK_OFFICE | {"outsider"},
            target="round",
            refused=404,
            refused_as={"leader": 403},
        )
    ],
    *_page("paper:entry"),
    *_page("paper:undo"),
    *_page("paper:resolutions"),
    *_page("paper:resolve", missing=True),
    *_page("paper:discard", missing=True),
    *_page("paper:print"),
    *_page("paper:upload"),
    *_page("paper:batch", missing=True),
    *_post_only("paper:batch_step", missing=True),
    *_page("paper:review_queue"),
    *_page("paper:review", missing=True),
    *_page("paper:crop", missing=True),
    *_page("paper:page_image", missing=True),
    *_page("paper:comment_image", missing=True),
]
