"""Suppression over all the tables of one page, report or download. Pure.

`suppression.suppress_table` protects the hidden figures of one table. A page shows the same
figure in several tables (this year's signals in the five-year trend, in the table per school and
in the prevalence line), and suppression in one table may hide a figure that another table, with
other neighbours, would show: the reader would then read it there. So every figure that appears
in more than one table carries a `key`, the same in each, and `protect` suppresses all the tables
of the page together: a key hidden in one table is hidden in every table (`also_hidden`), which is
then protected there like any other hidden figure, until nothing changes. Hiding more never makes
a hidden figure easier to work out, so this ends with every table safe on its own and the page
consistent.

A table is given as a `Block`: the raw counts (rows x columns), which of its totals the page shows
and about how many schools each row is (the rules of `suppress_table`). The page's cells refer to
figures of a block with a `Ref`, and read them after `protect` (None: hidden).
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from haven.insights.suppression import MIN_SCHOOLS, Entry, SuppressedTable, suppress_table


@dataclass(eq=False)
class Block:
    """One table of counts as `suppress_table` sees it, and what it left shown once protected."""

    cells: list[list[int]]
    row_totals: bool = False
    column_totals: bool = False
    grand_total: bool = False
    row_schools: Sequence[int | None] | None = None
    total_schools: int | None = None
    # The figures that appear elsewhere too: entry -> the key they have everywhere.
    keys: dict[Entry, Hashable] = field(default_factory=dict)
    result: SuppressedTable | None = None

    @property
    def rows(self) -> int:
        return len(self.cells)

    @property
    def columns(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def value(self, entry: Entry) -> int:
        """The raw figure: a cell, a row's or a column's total, or the grand total."""
        i, j = entry
        if i < self.rows and j < self.columns:
            return self.cells[i][j]
        if i < self.rows:
            return sum(self.cells[i])
        if j < self.columns:
            return sum(row[j] for row in self.cells)
        return sum(map(sum, self.cells))

    def shown(self, entry: Entry) -> int | None:
        """The figure as the page may show it: None when hidden."""
        if self.result is None:
            raise RuntimeError("protect() the page's blocks before reading them")
        return None if entry in self.result.hidden else self.value(entry)

    def ref(self, i: int, j: int) -> "Ref":
        return Ref(self, (i, j))

    def total_of_column(self, j: int) -> "Ref":
        return Ref(self, (self.rows, j))

    def total_of_row(self, i: int) -> "Ref":
        return Ref(self, (i, self.columns))

    def grand(self) -> "Ref":
        return Ref(self, (self.rows, self.columns))


@dataclass(frozen=True, eq=False)
class Ref:
    """One figure of a block, read once the page is protected."""

    block: Block
    entry: Entry

    @property
    def value(self) -> int:
        return self.block.value(self.entry)

    @property
    def shown(self) -> int | None:
        return self.block.shown(self.entry)


def protect(blocks: Sequence[Block], *, threshold: int, min_schools: int = MIN_SCHOOLS) -> None:
    """Suppress every block, hiding a key everywhere once it is hidden anywhere (see the module)."""
    forced: set[Hashable] = set()
    todo = list(blocks)
    while todo:
        for block in todo:
            block.result = suppress_table(
                block.cells,
                threshold=threshold,
                row_totals=block.row_totals,
                column_totals=block.column_totals,
                grand_total=block.grand_total,
                row_schools=block.row_schools,
                total_schools=block.total_schools,
                min_schools=min_schools,
                also_hidden=[entry for entry, key in block.keys.items() if key in forced],
            )
        newly = {
            key
            for block in todo
            for entry, key in block.keys.items()
            if block.result is not None and entry in block.result.hidden
        } - forced
        forced |= newly
        # Only the blocks that show a newly hidden key need another pass.
        todo = [block for block in blocks if any(key in newly for key in block.keys.values())]
