"""A problem found in the input: where (sheet, row, column), what (value) and why (reason)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int | None  # the spreadsheet row number a user sees (header = 1); None = whole sheet
    column: str | None  # the header as written
    value: str | None
    reason: str
    warning: bool = False  # warnings are reported but do not stop the import
    more: int = 0  # > 0: a summary standing for this many further problems of (sheet, column)

    @classmethod
    def whole(cls, where: str, reason: str, warning: bool = False) -> ImportProblem:
        """A problem of a whole file or sheet ``where`` (no row, column or value)."""
        return cls(where, None, None, None, reason, warning)

    @property
    def count(self) -> int:
        """How many problems this entry stands for (1, or ``more`` for a summary)."""
        return self.more or 1

    def line(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"行{self.row}")
        if self.column is not None:
            parts.append(f"列{self.column}")
        if self.value is not None:
            parts.append(f"值{self.value}")
        prefix = "警告 warning: " if self.warning else ""
        return f"{prefix}{' '.join(parts)}: {self.reason}"

    def as_dict(self) -> dict:
        return asdict(self)


class ImportFailed(Exception):
    """Validation found errors; nothing was written."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        errors = [p for p in problems if not p.warning]
        super().__init__(f"{len(errors)} error(s) in the input; nothing was written")


class ProblemList(list):
    """Problems, capped: the first N per (sheet, column, warning) and M in all are kept, the rest
    only counted; ``listed()`` adds one summary entry per capped (sheet, column).

    A million bad cells thus cost a few thousand entries, not a million (N, M: settings
    LANDCYCLE_IMPORT_MAX_ERRORS_PER_COLUMN, LANDCYCLE_IMPORT_MAX_ERRORS; see imports.limits).
    """

    def __init__(self, problems=(), per_column: int | None = None, total: int | None = None):
        from .limit_settings import limit

        super().__init__()
        self.per_column = per_column or limit("LANDCYCLE_IMPORT_MAX_ERRORS_PER_COLUMN")
        self.total = total or limit("LANDCYCLE_IMPORT_MAX_ERRORS")
        self.kept: Counter = Counter()
        self.dropped: Counter = Counter()
        self.extend(problems)
        if isinstance(problems, ProblemList):
            self.dropped.update(problems.dropped)

    def room(self, sheet: str, column: str | None, warning: bool = False) -> int:
        """How many more problems of (sheet, column, warning) would be kept."""
        key = (sheet, column, warning)
        return max(0, min(self.per_column - self.kept[key], self.total - len(self)))

    def count_dropped(self, sheet: str, column: str | None, warning: bool, n: int) -> None:
        if n > 0:
            self.dropped[(sheet, column, warning)] += n

    def append(self, problem: ImportProblem) -> None:
        if problem.more:
            self.count_dropped(problem.sheet, problem.column, problem.warning, problem.more)
        elif self.room(problem.sheet, problem.column, problem.warning):
            self.kept[(problem.sheet, problem.column, problem.warning)] += 1
            super().append(problem)
        else:
            self.count_dropped(problem.sheet, problem.column, problem.warning, 1)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def listed(self) -> list[ImportProblem]:
        """The kept problems, each capped (sheet, column) followed by its summary entry."""
        if not self.dropped:
            return list(self)
        last = {(p.sheet, p.column, p.warning): i for i, p in enumerate(self)}
        after: dict[int, list[ImportProblem]] = {}
        for key, n in self.dropped.items():
            sheet, column, warning = key
            reason = (
                f"另有 {n:,} 行同类错误未列出（每列只列出前 {self.per_column:,} 个，"
                f"全部最多 {self.total:,} 个） {n:,} more not listed"
            )
            after.setdefault(last.get(key, len(self) - 1), []).append(
                ImportProblem(sheet, None, column, None, reason, warning, more=n)
            )
        listed = [*after.get(-1, [])]
        for i, problem in enumerate(self):
            listed.append(problem)
            listed.extend(after.get(i, []))
        return listed


def take(problems: list, sheet: str, column: str | None, frame, warning: bool = False):
    """The first rows of ``frame`` (one problem each) that ``problems`` will keep; the others
    are counted there. For any list-like ``problems``: a plain list keeps all."""
    if not isinstance(problems, ProblemList):
        return frame
    room = problems.room(sheet, column, warning)
    problems.count_dropped(sheet, column, warning, frame.height - room)
    return frame.head(room)


def listed(problems: list) -> list[ImportProblem]:
    return problems.listed() if isinstance(problems, ProblemList) else list(problems)


class SortedProblems:
    """``errors`` and ``warnings`` of a result's ``problems`` (a mixin of result dataclasses);
    a capped list's summaries included (``error_count`` counts what they stand for)."""

    problems: list[ImportProblem]

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in listed(self.problems) if not p.warning]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in listed(self.problems) if p.warning]

    @property
    def error_count(self) -> int:
        return sum(p.count for p in self.errors)

    @property
    def warning_count(self) -> int:
        return sum(p.count for p in self.warnings)
