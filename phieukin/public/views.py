"""Anonymous pages: the voting flow, receipt lookup and the public bulletin.

The voting flow works without JavaScript: plain form POSTs carry the code and the
answers from step to step (code → sheets → review → receipts). Pages are never cached,
and nothing of the respondent is stored; the client address is used only as an opaque
key in the rate-limit cache, which slows down wrong codes and never refuses a valid one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from phieukin.ballots import codes as codes_mod
from phieukin.ballots import ratelimit, selectors, services
from phieukin.core.errors import DomainError
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox


def _box(box_id: int) -> BallotBox:
    return get_object_or_404(
        BallotBox.objects.select_related(
            "conference",
            "conference__unit",
            "conference__round",
            "conference__round__questionnaire",
        ),
        pk=box_id,
    )


def _sheets_from_post(definition: dict[str, Any], data: Any) -> list[services.SheetInput]:
    sheets = []
    for subject in definition["subjects"]:
        answers: dict[str, str | None] = {}
        for item in definition["items"]:
            value = data.get(f"a-{subject['id']}-{item['key']}", "")
            answers[item["key"]] = value or None
        sheets.append(
            services.SheetInput(
                subject_id=subject["id"],
                answers=answers,
                comment=data.get(f"c-{subject['id']}", ""),
            )
        )
    return sheets


def _ballot_context(
    definition: dict[str, Any], sheets: list[services.SheetInput] | None
) -> list[dict[str, Any]]:
    """Return, per leader, the items with their options and the current choice."""
    chosen = {s.subject_id: s for s in sheets or []}
    leaders = []
    for subject in definition["subjects"]:
        sheet = chosen.get(subject["id"])
        items = []
        for number, item in enumerate(definition["items"], start=1):
            current = sheet.answers.get(item["key"]) if sheet else None
            label = next((o["label"] for o in item["options"] if o["key"] == current), "")
            items.append({**item, "number": number, "current": current, "current_label": label})
        leaders.append({**subject, "items": items, "comment": sheet.comment if sheet else ""})
    return leaders


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"public/{template}", context, status=status)


@dataclass(frozen=True)
class Screen:
    """One screen of the phone ballot: one section of the questionnaire for one leader."""

    leader: int
    section_key: str
    section_title: str
    last_of_leader: bool


def _screens(definition: dict[str, Any]) -> list[Screen]:
    """Return the screens in order: each leader, each section (I, II, ...) of the form."""
    sections: dict[str, str] = {}
    for item in definition["items"]:
        sections.setdefault(item.get("section_key", ""), item["section"])
    keys = list(sections)
    return [
        Screen(leader, key, sections[key], index == len(keys) - 1)
        for leader in range(len(definition["subjects"]))
        for index, key in enumerate(keys)
    ]


def _screen_items(leader: dict[str, Any], screen: Screen) -> list[dict[str, Any]]:
    return [i for i in leader["items"] if i.get("section_key", "") == screen.section_key]


def _first_gap(
    leaders: list[dict[str, Any]], screens: list[Screen]
) -> tuple[int, list[int]] | None:
    """Return the first screen with unanswered items and those items' numbers, or None."""
    for index, screen in enumerate(screens):
        missing = [
            i["number"] for i in _screen_items(leaders[screen.leader], screen) if not i["current"]
        ]
        if missing:
            return index, missing
    return None


def _missing_message(leader: dict[str, Any], missing: list[int]) -> str:
    return _(
        "Please choose an answer for every question of this part (still missing: "
        "question %(numbers)s, comrade %(name)s)."
    ) % {"numbers": ", ".join(str(n) for n in missing), "name": leader["name"]}


def _screen_number(value: str, count: int) -> int:
    try:
        number = int(value)
    except ValueError:
        return 0
    return min(max(number, 0), count - 1)


def _render_screen(
    request: HttpRequest,
    context: dict[str, Any],
    screens: list[Screen],
    index: int,
    status: int = 200,
) -> HttpResponse:
    """Render one screen; the answers of every other screen travel as hidden fields."""
    screen = screens[index]
    leaders = context["leaders"]
    leader = leaders[screen.leader]
    shown = {i["key"] for i in _screen_items(leader, screen)}
    hidden: list[tuple[str, str]] = []
    for number, other in enumerate(leaders):
        for item in other["items"]:
            if item["current"] and not (number == screen.leader and item["key"] in shown):
                hidden.append((f"a-{other['id']}-{item['key']}", item["current"]))
        if not (number == screen.leader and screen.last_of_leader):
            hidden.append((f"c-{other['id']}", other["comment"]))
    context.update(
        screen=screen,
        screen_index=index,
        screen_number=index + 1,
        screen_count=len(screens) + 1,  # the review is the last step
        leader=leader,
        leader_number=screen.leader + 1,
        leader_count=len(leaders),
        items=_screen_items(leader, screen),
        hidden=hidden,
        is_first=index == 0,
    )
    return _render(request, "vote_ballot.html", context, status)


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, box_id: int, code: str = "") -> HttpResponse:
    """Run the voting flow of one box: the code, one screen per section, review, submit.

    Every answer given so far travels in the form itself (hidden fields) from screen to
    screen; nothing about a partial ballot is written anywhere before it is cast.
    """
    box = _box(box_id)
    definition = selectors.box_definition(box)
    rnd = box.conference.round
    context: dict[str, Any] = {"box": box, "definition": definition, "round": rnd}
    step = request.POST.get("step", "code") if request.method == "POST" else "code"
    if request.method == "POST" and "goto" in request.POST:
        step = "goto"
    typed = request.POST.get("code", "") if request.method == "POST" else code
    if not typed:
        if box.state != BoxState.OPEN:
            context["error"] = _("This ballot box is not open.")
        return _render(request, "vote_code.html", context)
    context["code"] = typed
    try:
        normalised, row = services.lookup_code(typed)
        if row.box_id != box.pk:
            raise DomainError(_("This code does not exist."), code="code_unknown", status=404)
    except DomainError as exc:
        if exc.code in ("code_format", "code_unknown"):
            # Guessers are slowed down here; a valid, unused code never waits.
            ratelimit.failed(request, box.pk)
        context["error"] = str(exc.message)
        return _render(request, "vote_code.html", context, status=exc.status)
    context["code"] = codes_mod.display(normalised)
    sheets = _sheets_from_post(definition, request.POST) if step != "code" else None
    leaders = _ballot_context(definition, sheets)
    context["leaders"] = leaders
    context["progress_label"] = _("Answered {answered} of {total} questions on this screen")
    screens = _screens(definition)
    if not screens:
        context["error"] = _("This ballot box is not open.")
        return _render(request, "vote_code.html", context, status=409)
    current = _screen_number(request.POST.get("screen", "0"), len(screens))
    if step == "code" or sheets is None:
        return _render_screen(request, context, screens, 0)
    if step == "back":
        return _render_screen(request, context, screens, max(current - 1, 0))
    if step in ("goto", "edit"):
        target = _screen_number(request.POST.get("goto", "0"), len(screens))
        return _render_screen(request, context, screens, target)
    if step == "next":
        screen = screens[current]
        leader = leaders[screen.leader]
        missing = [i["number"] for i in _screen_items(leader, screen) if not i["current"]]
        if missing:
            context["error"] = _missing_message(leader, missing)
            return _render_screen(request, context, screens, current, 400)
        if current + 1 < len(screens):
            return _render_screen(request, context, screens, current + 1)
    # The review and the final step check the whole ballot.
    gap = _first_gap(leaders, screens)
    if gap is not None:
        index, missing = gap
        context["error"] = _missing_message(leaders[screens[index].leader], missing)
        return _render_screen(request, context, screens, index, 400)
    try:
        services.check_sheets(box=box, sheets=sheets)
    except DomainError as exc:
        context["error"] = str(exc.message)
        return _render_screen(request, context, screens, len(screens) - 1, 400)
    if step != "submit":
        context["screens"] = [
            {"index": n, "leader": leaders[s.leader], "screen": s} for n, s in enumerate(screens)
        ]
        context["screen_count"] = len(screens) + 1
        return _render(request, "vote_review.html", context)
    try:
        receipts = services.cast_ballot(code=normalised, sheets=sheets)
    except DomainError as exc:
        context["error"] = str(exc.message)
        return _render(request, "vote_code.html", context, status=exc.status)
    # Receipts are stored apart from the sheets; the pairing with a leader exists only on
    # this page, for the respondent to keep.
    labelled = [
        {"receipt": receipt, "leader": leader}
        for receipt, leader in zip(receipts, definition["subjects"], strict=True)
    ]
    return _render(
        request,
        "vote_done.html",
        {"box": box, "round": rnd, "receipts": receipts, "labelled": labelled},
        201,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    """Let a respondent check that their receipt was recorded (POST keeps it out of URLs)."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        value = request.POST.get("receipt", "")
        context["receipt"] = value
        context["result"] = selectors.find_receipt(value)
    return render(request, "public/receipt.html", context)


def bulletin(request: HttpRequest, box_id: int) -> HttpResponse:
    """Show the public bulletin of a sealed box: digest, counts, receipts."""
    box = _box(box_id)
    try:
        data = selectors.bulletin(box)
    except DomainError as exc:
        return render(
            request, "public/bulletin.html", {"box": box, "error": exc.message}, status=409
        )
    # A seal made before seals recorded the scan reader's checks has none to show.
    checks = data["counts"].get("scan_checks") if data["counts"].get("ballots_scanned") else None
    return render(request, "public/bulletin.html", {"box": box, "data": data, "checks": checks})
