"""Permission matrix rows of the paper pages: the ward's staff only; others find nothing.

Everyone outside the box's ward staff gets 404 (the paper pages hide the box). Routes to
a sheet, batch or reading are requested with ids that do not exist, so for them the
matrix checks only that nobody gets more than 404.
"""

from phieukin.testing.matrix import LOGIN, WARD_STAFF, Row, rows


def _page(route: str, *, missing: bool = False) -> list[Row]:
    target = "box_missing_item" if missing else "box"
    return rows(route, WARD_STAFF, target=target, refused=404, absent_ok=missing)


def _post_only(
    route: str, *, missing: bool = False, data: dict[str, str] | None = None
) -> list[Row]:
    return rows(
        route,
        WARD_STAFF,
        methods=("POST",),
        not_served=("GET",),
        not_served_anonymous=LOGIN,
        target="box_missing_item" if missing else "box",
        refused=404,
        absent_ok=missing,
        data=data or {},
    )


ROWS = [
    *_page("paper:box"),
    *_post_only("paper:counts", data={"issued": "1", "returned": "1"}),
    *_post_only("paper:double_entry"),
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
