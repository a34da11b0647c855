"""Permission matrix rows of the round and conference pages (accounts/rules/rounds.py)."""

from phieukin.testing.matrix import BACK_OFFICE, rows

READERS = BACK_OFFICE | {"outsider", "leader"}
# The conference of the first ward: the outsider (second ward) does not find it.
HIDDEN = {"outsider": 404}

ROWS = [
    *rows("rounds:list", READERS),
    *rows("rounds:detail", READERS, target="round"),
    *rows("rounds:live", READERS, target="round"),
    *rows("rounds:create", {"district_organiser"}),
    # Edit or delete a draft round, drop a ward whose box never opened: the organiser
    # (the world's round is open, so the service answers its refusal as a message).
    *rows("rounds:edit", {"district_organiser"}, target="round"),
    *rows("rounds:delete", {"district_organiser"}, target="round"),
    *rows(
        "rounds:conference_remove",
        {"district_organiser"},
        target="conference",
        refused_as=HIDDEN,
    ),
    *rows(
        "rounds:transition",
        {"district_organiser"},
        target="round",
        methods=("POST",),
        not_served=("GET",),
    ),
    *rows(
        "rounds:conference",
        BACK_OFFICE | {"leader"},
        target="conference",
        methods=("GET",),
        refused_as=HIDDEN,
    ),
    # Attendance of the world's open box: only the counting committee once the box has
    # opened (four eyes; before opening, the organisers), the same as the API.
    *rows(
        "rounds:conference",
        {"counter"},
        target="conference",
        methods=("POST",),
        refused_as=HIDDEN,
        data={"invited": 10, "present": 5},
    ),
    # The plan the round carries out: its organiser only.
    *rows(
        "rounds:plan",
        {"district_organiser"},
        target="round",
        data={"plan_number": "104-KH/QU", "plan_date": "2026-02-11", "plan_issuer": ""},
    ),
    # The conference details of the minutes: its organisers and its counting committee.
    *rows(
        "rounds:conference_details",
        {"district_organiser", "ward_organiser", "counter"},
        target="conference",
        refused_as=HIDDEN,
        data={
            "place": "Hội trường Đảng ủy",
            "starts_at": "08:00",
            "chair": "Nguyễn Văn An",
            "secretary": "Trần Thị Bình",
            "committee": "Lê Văn Cường\nPhạm Thị Dung\nHoàng Văn Em",
        },
    ),
]
