"""Suppression over the tables of one page: a figure two tables share is hidden in both or in neither,
and each table stays safe on its own (haven.insights.protection)."""

from hypothesis import given
from hypothesis import strategies as st

from haven.insights.protection import Block, protect
from haven.insights.suppression import derivable_entries, suppress_table

THRESHOLD = 5


def test_a_figure_hidden_in_one_table_is_hidden_and_protected_in_the_other():
    # Table 1: the signals per school (one school's 3 hides the next smallest, 11); the total 34 shows.
    per_school = Block([[3], [11], [20]], column_totals=True)
    per_school.keys = {(i, 0): f"school {i}" for i in range(3)} | {(3, 0): "total"}
    # Table 2: school 1's signals (the 11) split by kind. On its own nothing here is small.
    by_kind = Block([[6, 5]], row_totals=True)
    by_kind.keys = {(0, 2): "school 1"}
    protect([per_school, by_kind], threshold=THRESHOLD)
    assert per_school.shown((1, 0)) is None
    # The 11 is hidden in table 2 too, and protected there: with the 6 and the 5 shown, their sum
    # would give it away, so the smaller part is hidden as well.
    assert by_kind.shown((0, 2)) is None
    assert (by_kind.shown((0, 0)), by_kind.shown((0, 1))) == (6, None)
    assert per_school.shown((3, 0)) == 34


def test_without_keys_the_blocks_are_suppressed_on_their_own():
    a = Block([[3, 10]], row_totals=True)
    b = Block([[13]])
    protect([a, b], threshold=THRESHOLD)
    assert b.shown((0, 0)) == 13
    assert a.shown((0, 0)) is None and a.shown((0, 1)) is None and a.shown((0, 2)) == 13


def test_also_hidden_hides_a_figure_whatever_its_value_and_protects_it():
    table = suppress_table(
        [[40, 12], [30, 18]],
        threshold=THRESHOLD,
        row_totals=True,
        column_totals=True,
        grand_total=True,
        also_hidden=[(0, 0)],
    )
    assert (0, 0) in table.hidden
    assert not derivable_entries(
        [[40, 12], [30, 18]], table.hidden, row_totals=True, column_totals=True, grand_total=True
    )


tables = st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=2, max_size=4)


@given(first=tables, split=st.lists(st.integers(0, 12), min_size=2, max_size=3), row=st.integers(0, 3))
def test_every_block_is_safe_and_shared_figures_agree(first, split, row):
    """A table of counts with its column totals, and a second table that splits one of its cells in parts
    with that cell as the row total: after protect, no hidden figure of either can be worked out from what
    that table shows, and the shared cell is hidden in both or shown in both."""
    row = row % len(first)
    first[row][0] = sum(split)
    a = Block([list(r) for r in first], column_totals=True)
    a.keys = {(row, 0): "shared"}
    b = Block([list(split)], row_totals=True)
    b.keys = {(0, len(split)): "shared"}
    protect([a, b], threshold=THRESHOLD)
    assert (a.shown((row, 0)) is None) == (b.shown((0, len(split))) is None)
    for block in (a, b):
        assert block.result is not None
        assert not derivable_entries(
            block.cells,
            block.result.hidden,
            row_totals=block.row_totals,
            column_totals=block.column_totals,
            grand_total=block.grand_total,
        )
        for entry in block.result.hidden:
            assert block.value(entry) >= 0
        shown = [block.value(e) for e in _displayed(block) if e not in block.result.hidden]
        assert all(v == 0 or v >= THRESHOLD for v in shown)


def _displayed(block: Block) -> list[tuple[int, int]]:
    entries = [(i, j) for i in range(block.rows) for j in range(block.columns)]
    if block.row_totals:
        entries += [(i, block.columns) for i in range(block.rows)]
    if block.column_totals:
        entries += [(block.rows, j) for j in range(block.columns)]
    return entries
