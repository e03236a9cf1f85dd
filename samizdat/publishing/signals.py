"""What happens to statements, for the apps that react to it (search, navigation, signing,
mirror, later newsletters and ActivityPub).

Sent only by ``publishing.lifecycle``, always after the change is committed
(``transaction.on_commit``), exactly once per change, never when the change failed. Every
signal is sent with ``sender=Statement`` and the keyword arguments listed; ``actor`` is the
user who made the change, or None (commands, the periodic job). Connect with a
``dispatch_uid``; a receiver that raises breaks nothing already committed, so keep them
small, or use ``send_robust`` semantics yourselves.
"""

from django.dispatch import Signal

# statement, actor: the statement became public (now, or its scheduled time passed).
statement_published = Signal()
# statement, actor, changed (frozenset of field names): a released (public or scheduled)
# statement's content or metadata changed.
statement_revised = Signal()
# statement, actor, was_public (bool): a public or scheduled statement was withdrawn to draft.
statement_unpublished = Signal()
# statement, actor, was_public (bool): the statement will become public at published_at.
statement_scheduled = Signal()
# statements (list, every statement whose group changed), actor: translation links changed.
translations_changed = Signal()
# statement, before (the stored row before the change, or None), actor, changed: sent by
# ``lifecycle`` right after every save, INSIDE its transaction (the row is locked): for work that
# must be atomic with the save (history: revisions). A receiver that raises undoes the save.
statement_saved = Signal()
