"""What an import did (or would do): counts per kind and action, and the problems it met."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

ACTIONS = ("created", "updated", "unchanged", "skipped")
KINDS = ("section", "tag", "post", "page", "image", "comment", "translation", "redirect")
MAX_LISTED = 200  # problems listed one by one; beyond that only counted


@dataclass
class Problem:
    what: str  # short category, e.g. "slug collision"
    where: str  # "post 12", "line 340"
    detail: str = ""


@dataclass
class Report:
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (kind, action) → n
    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)  # e.g. "comments re-attached (too deep)"

    def count(self, kind: str, action: str, n: int = 1) -> None:
        self.counts[(kind, action)] += n

    def problem(self, what: str, where: str, detail: str = "") -> None:
        self.problem_counts[what] += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(Problem(what, where, detail))

    def note(self, what: str, n: int = 1) -> None:
        self.notes[what] += n

    @property
    def changed(self) -> bool:
        return any(self.counts[(k, a)] for k in KINDS for a in ("created", "updated"))

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "counts": {f"{k}.{a}": n for (k, a), n in sorted(self.counts.items()) if n},
            "problems": dict(self.problem_counts),
            "notes": dict(self.notes),
        }

    def table(self) -> str:
        """A plain-text summary table (the same in a terminal, a log and docs)."""
        head = "would be " if self.dry_run else ""
        widths = [12] + [max(10, len(head) + len(a)) for a in ACTIONS]
        header = ["", *(f"{head}{a}" for a in ACTIONS)]
        lines = [
            " ".join(
                h.rjust(w) if i else h.ljust(w)
                for i, (h, w) in enumerate(zip(header, widths, strict=True))
            )
        ]
        lines.append(" ".join("-" * w for w in widths))
        for kind in KINDS:
            row = [self.counts[(kind, a)] for a in ACTIONS]
            if any(row):
                cells = [kind.ljust(widths[0])] + [
                    str(n).rjust(w) for n, w in zip(row, widths[1:], strict=True)
                ]
                lines.append(" ".join(cells))
        if self.notes:
            lines.append("")
            lines.extend(f"{what}: {n}" for what, n in sorted(self.notes.items()))
        if self.problem_counts:
            lines.append("")
            lines.append("Problems (imported safely or skipped, see below):")
            lines.extend(f"  {what}: {n}" for what, n in sorted(self.problem_counts.items()))
            lines.append("")
            for p in self.problems:
                lines.append(f"  - {p.where}: {p.what}" + (f" — {p.detail}" if p.detail else ""))
            hidden = sum(self.problem_counts.values()) - len(self.problems)
            if hidden > 0:
                lines.append(f"  … and {hidden} more")
        lines.append("")
        if not self.changed:
            lines.append("Nothing changed: everything in the file is already imported.")
        elif self.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)
