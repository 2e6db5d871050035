"""Anchors of the audit chains outside the database, so that its own administrator cannot rewrite
the log unseen.

The hash chains (egov.core.audit) show a change made by someone who cannot recompute hashes; a
database administrator can: recompute every hash after a change, or delete the newest entries and
rewind the head, and the chains verify again. A checkpoint records every chain's head (key, seq,
hash) and the time, is time-stamped by the TSA (RFC 3161: a third party's signature over the
checkpoint's SHA-256) and is appended as one JSON line to a file in EGOV_AUDIT_ANCHOR_DIR. Each
checkpoint also names the digest of the one before it, so a removed or edited line shows.

`verify()` checks every anchor: its time-stamp token and link, and that the database still holds,
at every anchored seq, the anchored hash (else the chain was rewritten) and a head at or past it
(else it was cut back). That is only as strong as the directory: production keeps it on
write-once or remote storage the database administrator cannot rewrite (docs/howto/deploy.md).

The time-stamping lives in egov.signatures (a higher layer), which registers a `Sealer` here.
"""

import base64
import datetime as dt
import fcntl
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from egov.core.models import AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)

FORMAT = 1
PREFIX = "audit-anchors-"
SUFFIX = ".jsonl"


class SealError(Exception):
    """A checkpoint could not be sealed, or its seal does not verify (the message says why)."""


class Sealer(Protocol):
    """Seals a checkpoint's digest (an RFC 3161 time-stamp token) and checks such a seal."""

    def seal(self, digest: bytes) -> bytes:
        """The DER token over the SHA-256 `digest`; raises SealError."""
        ...

    def check(self, digest: bytes, token: bytes) -> dt.datetime:
        """The time the valid, trusted token vouches for `digest` at; raises SealError."""
        ...


_sealer: Sealer | None = None


def register_sealer(sealer: Sealer) -> None:
    global _sealer
    _sealer = sealer


def _get_sealer() -> Sealer:
    if _sealer is None:
        raise SealError("no sealer is registered (egov.signatures is not installed)")
    return _sealer


def directory() -> Path:
    return Path(settings.EGOV_AUDIT_ANCHOR_DIR)


def anchor_files() -> list[Path]:
    """The anchor files, oldest first (one per month, named by it)."""
    folder = directory()
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder.is_dir() else []


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _digest(checkpoint: dict[str, Any]) -> bytes:
    return hashlib.sha256(_canonical(checkpoint)).digest()


@dataclass(frozen=True)
class Anchor:
    where: str  # file:line, for messages
    checkpoint: dict[str, Any]
    token: bytes

    @property
    def digest(self) -> bytes:
        return _digest(self.checkpoint)

    @property
    def chains(self) -> dict[int, tuple[int, str]]:
        return {int(key): (int(seq), str(hash_)) for key, (seq, hash_) in self.checkpoint["chains"].items()}


def read_anchors() -> tuple[list[Anchor], list[str]]:
    """Every anchor, oldest first, and the lines that could not be read."""
    anchors, problems = [], []
    for path in anchor_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.name}:{number}"
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                anchor = Anchor(where, data["checkpoint"], base64.b64decode(data["token"], validate=True))
                anchor.chains  # noqa: B018 — parse now, so a malformed line is reported here
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"anchor {where}: unreadable ({error.__class__.__name__})")
                continue
            anchors.append(anchor)
    return anchors, problems


def _heads() -> dict[int, tuple[int, str]]:
    return {
        chain: (seq, hash_)
        for chain, seq, hash_ in AuditChainHead.objects.values_list("chain", "last_seq", "last_hash")
        if seq > 0
    }


def checkpoint(*, only_if_changed: bool = False) -> Anchor | None:
    """Anchor every chain's head now: time-stamp it and append it to this month's file.

    With `only_if_changed`, nothing is written when no chain has grown since the last anchor.
    """
    sealer = _get_sealer()
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    path = folder / f"{PREFIX}{now:%Y-%m}{SUFFIX}"
    # One writer at a time (several task workers may be due together); the lock is on the file
    # being appended, and the last anchor is read again under it.
    with path.open("a+", encoding="utf-8") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        anchors, _problems = read_anchors()
        last = anchors[-1] if anchors else None
        heads = _heads()
        if only_if_changed and last is not None and last.chains == heads:
            return None
        body = {
            "format": FORMAT,
            "at": now.isoformat(),
            "installation": settings.EGOV_DEPLOYMENT_NAME,
            "previous": last.digest.hex() if last else "",
            "chains": {str(chain): [seq, hash_] for chain, (seq, hash_) in sorted(heads.items())},
        }
        token = sealer.seal(_digest(body))
        line = json.dumps({"checkpoint": body, "token": base64.b64encode(token).decode("ascii")})
        stream.seek(0, 2)
        stream.write(line + "\n")
        stream.flush()
    lines = sum(1 for _ in path.open(encoding="utf-8"))
    return Anchor(f"{path.name}:{lines}", body, token)


def checkpoint_if_due() -> Anchor | None:
    """The task worker's periodic checkpoint (EGOV_AUDIT_CHECKPOINT_SECONDS; 0 switches it off)."""
    every = int(settings.EGOV_AUDIT_CHECKPOINT_SECONDS)
    if every <= 0:
        return None
    files = anchor_files()
    if files and (timezone.now().timestamp() - files[-1].stat().st_mtime) < every:
        return None
    return checkpoint(only_if_changed=True)


@dataclass
class AnchorReport:
    anchors: int = 0
    newest: str = ""
    problems: list[str] | None = None


def _check_chain(chain: int, anchored: dict[int, tuple[str, str]], problems: list[str]) -> None:
    """Compare one chain in the database with every (seq → hash, where) anchored for it."""
    head = AuditChainHead.objects.filter(chain=chain).values_list("last_seq", flat=True).first() or 0
    highest = max(anchored)
    if head < highest:
        problems.append(
            f"chain {chain}: its head is at #{head} but anchor {anchored[highest][1]} has #{highest}: "
            "the newest entries were removed and the chain rewound (truncated)"
        )
    seqs = sorted(anchored)
    for start in range(0, len(seqs), 1000):
        part = seqs[start : start + 1000]
        stored = dict(AuditEntry.objects.filter(chain=chain, seq__in=part).values_list("seq", "hash"))
        for seq in part:
            expected, where = anchored[seq]
            if seq not in stored:
                problems.append(
                    f"chain {chain}: entry #{seq}, anchored by {where}, is gone: the chain was truncated"
                )
            elif stored[seq] != expected:
                problems.append(
                    f"chain {chain}: entry #{seq} differs from anchor {where}: the chain was rewritten "
                    "(its hashes recomputed after a change)"
                )


def verify() -> AnchorReport:
    """Check every anchor's seal and link, and the database's chains against all of them."""
    anchors, problems = read_anchors()
    report = AnchorReport(anchors=len(anchors), problems=problems)
    if not anchors:
        return report
    sealer = _get_sealer()
    anchored: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    previous: Anchor | None = None
    for anchor in anchors:
        try:
            sealer.check(anchor.digest, anchor.token)
        except SealError as error:
            problems.append(
                f"anchor {anchor.where}: its time-stamp does not verify ({error}): it was altered"
            )
            previous = anchor
            continue
        if anchor.checkpoint.get("previous", "") != (previous.digest.hex() if previous else ""):
            problems.append(f"anchor {anchor.where}: the anchor before it was removed or altered")
        for chain, (seq, hash_) in anchor.chains.items():
            known = anchored[chain].get(seq)
            if known is not None and known[0] != hash_:
                problems.append(f"anchor {anchor.where}: chain {chain} #{seq} contradicts anchor {known[1]}")
            elif known is None:
                anchored[chain][seq] = (hash_, anchor.where)
        if previous is not None:
            for chain, (seq, _hash) in previous.chains.items():
                if anchor.chains.get(chain, (0, ""))[0] < seq:
                    problems.append(f"anchor {anchor.where}: chain {chain} went back from #{seq}")
        previous = anchor
    for chain, points in sorted(anchored.items()):
        _check_chain(chain, points, problems)
    report.newest = str(anchors[-1].checkpoint.get("at", ""))
    return report
