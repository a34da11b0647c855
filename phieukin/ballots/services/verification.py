"""Verification: recompute a sealed box from its rows and compare it with its seal and
with the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from phieukin.audit.models import AuditEvent
from phieukin.audit.services import verify_chain
from phieukin.ballots import digest as digest_mod
from phieukin.ballots import hooks
from phieukin.ballots.models import Receipt, Seal
from phieukin.ballots.selectors import box_counts, canonical_ballots, seal_nonce
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of recomputing a sealed box."""

    box_id: int
    ok: bool
    problems: list[str]
    digest: str
    recomputed_digest: str


def verify_box(*, box: BallotBox) -> VerifyReport:
    """Recompute a sealed box's ballots and receipts roots, counts and digest.

    The ballots root covers each ballot's group, source and comment through its
    nonce-keyed private commitment, so a change to any of them shows here too.
    """
    box = BallotBox.objects.select_related("conference").get(pk=box.pk)
    seal = Seal.objects.filter(box=box).first()
    if seal is None or box.state != BoxState.SEALED:
        return VerifyReport(
            box.pk, False, [_("The ballot box is not sealed.")], seal.digest if seal else "", ""
        )
    problems: list[str] = []
    nonce = seal_nonce(seal)
    if nonce is None:
        problems.append(_("The seal has no valid nonce: the ballots cannot be checked against it."))
        ballots_root = ""
    else:
        ballots_root = digest_mod.ballots_root(canonical_ballots(box), nonce)
        if ballots_root != seal.ballots_root:
            problems.append(
                _(
                    "The ballots differ from the sealed ballots: a ballot was added or removed, "
                    "or its leader, answers, validity, respondent group, source or comment was "
                    "changed (Merkle root %(now)s, sealed %(then)s)."
                )
                % {"now": ballots_root[:16], "then": seal.ballots_root[:16]}
            )
    receipts_root = digest_mod.receipts_root(
        Receipt.objects.filter(box=box).values_list("value", flat=True)
    )
    if receipts_root != seal.receipts_root:
        problems.append(_("The receipts differ from the sealed receipts."))
    counts = box_counts(box).as_record()
    for key, sealed_value in sorted(seal.counts.items()):
        if counts.get(key) != sealed_value:
            problems.append(
                _("Count %(name)s is %(now)s, sealed %(then)s.")
                % {"name": key, "now": counts.get(key), "then": sealed_value}
            )
    recomputed = digest_mod.bulletin_digest(seal.ballots_root, seal.receipts_root, seal.counts)
    full = digest_mod.bulletin_digest(ballots_root, receipts_root, counts)
    if recomputed != seal.digest:
        problems.append(_("The seal record itself was altered (digest does not match)."))
    problems += _audit_problems(box, seal)
    problems += hooks.evidence_problems(box)
    return VerifyReport(box.pk, not problems, problems, seal.digest, full)


def _audit_problems(box: BallotBox, seal: Seal) -> list[str]:
    """Compare the seal with the hash-chained audit log written when it was made.

    Someone with database access could change a ballot, delete the seal and seal the box
    again; the new seal would verify against the changed ballots. The audit chain keeps
    the digest of every sealing, so a second sealing or a different digest shows.
    """
    problems: list[str] = []
    digests = [
        event.data.get("digest")
        for event in AuditEvent.objects.filter(action="box.seal", object_id=str(box.pk))
        .filter(object_type=box._meta.label_lower)
        .order_by("id")
    ]
    if not digests:
        problems.append(_("The audit log holds no record of this box's sealing."))
    elif len(digests) > 1:
        problems.append(
            _("The audit log shows that this box was sealed %(count)s times.")
            % {"count": len(digests)}
        )
    elif digests[0] != seal.digest:
        problems.append(
            _("The seal's digest differs from the one recorded in the audit log at sealing.")
        )
    chain = verify_chain()
    if not chain.ok:
        problems.append(
            _("The audit log itself is broken (%(problem)s at event %(event)s).")
            % {"problem": chain.problem, "event": chain.event_id or "—"}
        )
    return problems
