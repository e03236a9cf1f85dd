"""One module per kind of target; ``for_target`` picks the class."""

from __future__ import annotations


def for_target(target, stage, report):
    from . import dir as dir_kind
    from . import ipfs, rsync, s3

    kinds = {
        "dir": dir_kind.DirPush,
        "onion": dir_kind.OnionPush,
        "rsync": rsync.RsyncPush,
        "s3": s3.S3Push,
        "ipfs": ipfs.IpfsPush,
    }
    return kinds[target.kind](target, stage, report)
