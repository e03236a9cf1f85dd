"""WordPress comments → discussion comments, threads kept, addresses dropped.

Commenter IP addresses are never read into the database; the email is kept only as the same
keyed hash new comments get (``discussion.privacy.email_hash``), which recognises an author
whose earlier comments were approved. Threads deeper than ``discussion.conf.MAX_DEPTH`` are
attached to the deepest allowed ancestor.
"""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType

from samizdat.discussion import conf, privacy
from samizdat.discussion.models import Comment

from . import dates
from .content import to_plain_text
from .models import ImportedItem
from .wxr import WxrComment

STATUS = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
NOT_COMMENTS = {"pingback", "trackback"}


def _digest(c: WxrComment, parent_id: int) -> str:
    raw = repr((c.author, c.email, c.date, c.date_gmt, c.content, c.approved, parent_id))
    return hashlib.sha256(raw.encode()).hexdigest()


def _thread_depths(comments: dict[int, WxrComment]) -> dict[int, int]:
    """WordPress depth of each comment (0 = top level); broken or cyclic parents count as 0."""
    depths: dict[int, int] = {}
    for cid in comments:
        chain, node = [], cid
        while node in comments and node not in depths and node not in chain:
            chain.append(node)
            node = comments[node].parent
        base = depths.get(node, -1) if node in depths else -1
        for offset, member in enumerate(reversed(chain)):
            depths[member] = base + 1 + offset
    return depths


def import_comments(importer, statement, wp_comments: list[WxrComment], where: str) -> None:
    """Create new comments, update changed ones; ``importer`` holds the report and records."""
    report = importer.report
    kept: dict[int, WxrComment] = {}
    for c in wp_comments:
        if c.type in NOT_COMMENTS:
            report.count("comment", "skipped")
            report.note(f"{c.type}s not imported")
        elif not to_plain_text(c.content):
            report.count("comment", "skipped")
            report.problem("empty comment", f"{where}, comment {c.wp_id}")
        else:
            kept[c.wp_id] = c
    if not kept:
        return
    for c in kept.values():
        if c.parent and c.parent not in kept:
            report.problem(
                "comment's parent not in the export", f"{where}, comment {c.wp_id}", "top level"
            )
            c.parent = 0
    depths = _thread_depths(kept)
    ctype = ContentType.objects.get_for_model(Comment)
    saved: dict[int, Comment] = {}  # wp comment id → our comment
    for level in sorted(set(depths.values())):
        batch: list[tuple[WxrComment, Comment]] = []
        for c in sorted((c for c in kept.values() if depths[c.wp_id] == level), key=_key):
            parent = saved.get(c.parent) if c.parent else None
            reattached = parent is not None and parent.depth >= conf.MAX_DEPTH - 1
            while parent is not None and parent.depth >= conf.MAX_DEPTH - 1 and parent.parent_id:
                parent = parent.parent
            digest = _digest(c, parent.pk if parent else 0)
            record = importer.record("comment", c.wp_id)
            if reattached and (record is None or record.digest != digest):
                report.note("comments re-attached (thread deeper than allowed)")
            fields = _fields(c, statement, parent, report, where)
            if record is not None:
                comment = Comment.objects.filter(pk=record.object_id).first()
                if comment is not None and record.digest == digest:
                    saved[c.wp_id] = comment
                    report.count("comment", "unchanged")
                    continue
                if comment is not None:
                    for name, value in fields.items():
                        setattr(comment, name, value)
                    comment.save()
                    importer.remember("comment", c.wp_id, comment, digest=digest)
                    saved[c.wp_id] = comment
                    report.count("comment", "updated")
                    continue
            batch.append((c, Comment(**fields)))
        if batch:
            Comment.objects.bulk_create([comment for _c, comment in batch])
            for c, comment in batch:
                saved[c.wp_id] = comment
            ImportedItem.objects.bulk_create(
                [
                    ImportedItem(
                        site_url=importer.site_url,
                        kind="comment",
                        wp_id=c.wp_id,
                        digest=_digest(c, comment.parent_id or 0),
                        content_type=ctype,
                        object_id=comment.pk,
                        run=importer.run_row,
                    )
                    for c, comment in batch
                ]
            )
            report.count("comment", "created", len(batch))


def _key(c: WxrComment) -> tuple:
    return (c.date_gmt or c.date, c.wp_id)


def _fields(c: WxrComment, statement, parent, report, where: str) -> dict:
    status = STATUS.get(c.approved.lower())
    if status is None:
        report.problem("unknown comment status", f"{where}, comment {c.wp_id}", c.approved)
        status = Comment.Status.PENDING
    created = dates.parse(c.date_gmt, c.date, report, f"{where}, comment {c.wp_id}")
    fields = {
        "statement": statement,
        "parent": parent,
        "depth": parent.depth + 1 if parent else 0,
        "language": statement.language,
        "name": (c.author.strip() or "—")[: conf.MAX_NAME_LENGTH],
        "text": to_plain_text(c.content),
        "email": "",
        "notify_replies": False,
        "email_hash": privacy.email_hash(c.email),
        "ip_hash": "",
        "status": status,
    }
    if created is not None:
        fields["created_at"] = created
    elif statement.published_at:
        fields["created_at"] = statement.published_at
    return fields
