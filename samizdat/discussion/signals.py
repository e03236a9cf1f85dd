"""What happens to comments, for apps that react to it (caches of the statement page, counts).

Sent after the commit (``transaction.on_commit``), once per change, with ``sender=Comment``:

- ``comment_approved``: comment, actor (user or None) — a comment became visible (saved as
  approved by ``services.save_comment``, or approved by ``services.moderate``);
- ``comment_removed``: comment, actor, status (the new status) — a visible comment was hidden.
"""

from django.dispatch import Signal

comment_approved = Signal()
comment_removed = Signal()
