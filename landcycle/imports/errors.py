"""A problem found in the input: where (sheet, row, column), what (value) and why (reason)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int | None  # the spreadsheet row number a user sees (header = 1); None = whole sheet
    column: str | None  # the header as written
    value: str | None
    reason: str
    warning: bool = False  # warnings are reported but do not stop the import

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


class SortedProblems:
    """``errors`` and ``warnings`` of a result's ``problems`` (a mixin of result dataclasses)."""

    problems: list[ImportProblem]

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.warning]
