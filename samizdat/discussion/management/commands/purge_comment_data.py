"""Delete address hashes older than the retention period, and other data we no longer need."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from samizdat.discussion import conf
from samizdat.discussion.models import Comment, SpentNonce
from samizdat.privacy.addresses import destroy_old_keys

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Erase comment address hashes older than SAMIZDAT_COMMENT_IP_RETENTION_DAYS, forget "
        "expired captcha nonces and (with --delete-spam) delete old spam. Run it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="retention in days (default: the setting)"
        )
        parser.add_argument(
            "--delete-spam", action="store_true", help="also delete spam older than that"
        )
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args, days=None, delete_spam=False, dry_run=False, **options):
        days = conf.ip_retention_days() if days is None or days < 1 else days
        cutoff = timezone.now() - timedelta(days=days)
        old = Comment.objects.filter(created_at__lt=cutoff).exclude(ip_hash="")
        ids = list(old.values_list("pk", flat=True))
        erased = 0
        if not dry_run:
            with tqdm(
                total=len(ids),
                unit="comment",
                desc="erasing address hashes",
                disable=options.get("verbosity", 1) < 2 and not self.stderr.isatty(),
            ) as bar:
                for start in range(0, len(ids), BATCH):
                    batch = ids[start : start + BATCH]
                    erased += Comment.objects.filter(pk__in=batch).update(ip_hash="")
                    bar.update(len(batch))
        spam_deleted = 0
        if delete_spam and not dry_run:
            spam_deleted, _ = Comment.objects.filter(
                status=Comment.Status.SPAM, created_at__lt=cutoff
            ).delete()
        keys = 0 if dry_run else destroy_old_keys()  # past days' address keys (docs/privacy.md)
        nonces = SpentNonce.objects.filter(expires_at__lt=timezone.now())
        nonce_count = nonces.count() if dry_run else nonces.delete()[0]
        verb = "would erase" if dry_run else "erased"
        self.stdout.write(
            f"{verb} {len(ids) if dry_run else erased} address hashes older than {days} days; "
            f"{nonce_count} expired captcha nonces; {spam_deleted} old spam comments deleted; "
            f"{keys} past address keys destroyed."
        )
