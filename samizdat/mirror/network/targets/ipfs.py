"""``ipfs``: a CARv1 of the publication tree, its root CID and the DNSLink TXT value.

Written in the first phase (the archive must exist before the list can name its CID), so the
archive holds the list as it was signed before this publication; the list the other mirrors
receive names the new CID. Nothing is rewritten when the root CID is unchanged.
"""

from __future__ import annotations

from pathlib import Path

from ..car import write_car
from .base import Push, TargetError
from .dir import os_message


class IpfsPush(Push):
    def content(self) -> None:
        out = Path(self.target.option("path"))
        cid_file = out / "root-cid.txt"
        try:
            out.mkdir(parents=True, exist_ok=True)
            tmp = out / ".site.car.new"
            result = write_car(self.stage.root, tmp)
            previous = cid_file.read_text().strip() if cid_file.exists() else ""
            if previous == result.root and (out / "site.car").exists():
                tmp.unlink()
            else:
                tmp.replace(out / "site.car")
                cid_file.write_text(result.root + "\n")
                (out / "dnslink.txt").write_text(f"dnslink=/ipfs/{result.root}\n")
                self.report.files += 1
                self.report.bytes += result.size
        except OSError as exc:
            raise TargetError(os_message(exc, out)) from None
        self.report.extra["cid"] = result.root
        self.report.notes.append(
            f"root CID {result.root}; `ipfs dag import {out / 'site.car'}`; "
            f"DNSLink TXT for _dnslink.<host>: dnslink=/ipfs/{result.root}"
        )

    def switch(self) -> None:
        pass
