"""Small-cell suppression as a specification.

A count from 1 to threshold - 1 is hidden, zero is shown; in a table no hidden figure may be
worked out from what is shown and the totals (complementary suppression); a figure about fewer
than three schools is hidden. The derivability check is tested against brute-force enumeration of
every completion of small tables, and the suppressed tables are checked three ways: per line, by
exact linear algebra over the rationals, and by finding, for every hidden figure, a completion
that gives it another value.
"""

import ast
import itertools
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from haven.insights import suppression
from haven.insights.suppression import (
    MIN_SCHOOLS,
    THRESHOLD,
    derivable_entries,
    enough_schools,
    suppress,
    suppress_table,
)
from tests.system import clean_environment

# --- one count -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (6, 6), (1000, 1000)])
def test_counts_from_one_to_four_are_hidden(count, shown):
    assert suppress(count) == shown


@pytest.mark.parametrize(("threshold", "count", "shown"), [(3, 2, None), (3, 3, 3), (10, 9, None), (10, 10, 10)])
def test_the_threshold_is_the_installations(threshold, count, shown):
    assert suppress(count, threshold) == shown


@given(st.integers(min_value=0, max_value=10**6))
def test_a_shown_count_is_never_a_small_cell(count):
    shown = suppress(count)
    assert shown is None or shown == 0 or shown >= THRESHOLD


def test_a_negative_count_is_a_bug():
    with pytest.raises(ValueError):
        suppress(-1)


@pytest.mark.parametrize(("schools", "enough"), [(0, False), (1, False), (2, False), (3, True), (130, True)])
def test_figures_need_at_least_three_schools(schools, enough):
    assert MIN_SCHOOLS == 3
    assert enough_schools(schools) is enough


def test_the_module_is_pure():
    tree = ast.parse(Path(suppression.__file__).read_text())
    imported = {
        name.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (node.names if isinstance(node, ast.Import) else [node])
    }
    assert not any(str(module).startswith("django") for module in imported), imported


# --- helpers: the reader's view of a table -------------------------------------------------------


def extended(cells):
    """Every figure of the table with all its totals, in the coordinates of `Entry`."""
    rows, columns = len(cells), len(cells[0])
    values = {(i, j): cells[i][j] for i in range(rows) for j in range(columns)}
    for i in range(rows):
        values[(i, columns)] = sum(cells[i])
    for j in range(columns):
        values[(rows, j)] = sum(row[j] for row in cells)
    values[(rows, columns)] = sum(map(sum, cells))
    return values


def displayed(cells, row_totals, column_totals, grand_total):
    rows, columns = len(cells), len(cells[0])
    entries = {(i, j) for i in range(rows) for j in range(columns)}
    if row_totals:
        entries |= {(i, columns) for i in range(rows)}
    if column_totals:
        entries |= {(rows, j) for j in range(columns)}
    if grand_total:
        entries.add((rows, columns))
    return entries


def members(entry, rows, columns):
    """The cells a figure sums."""
    i, j = entry
    return [(a, b) for a in range(rows) for b in range(columns) if (i == rows or a == i) and (j == columns or b == j)]


def completions(cells, hidden, row_totals, column_totals, grand_total, domain):
    """Every table that agrees with everything shown, the hidden cells taken from `domain(cell)`."""
    rows, columns = len(cells), len(cells[0])
    values = extended(cells)
    shown_totals = [
        e
        for e in displayed(cells, row_totals, column_totals, grand_total)
        if (e[0] == rows or e[1] == columns) and e not in hidden
    ]
    free = sorted(e for e in hidden if e[0] < rows and e[1] < columns)
    for choice in itertools.product(*(domain(e) for e in free)):
        table = [list(row) for row in cells]
        for (i, j), value in zip(free, choice, strict=True):
            table[i][j] = value
        if all(sum(table[a][b] for a, b in members(t, rows, columns)) == values[t] for t in shown_totals):
            yield extended(table)


def exact_domain(cells, hidden, row_totals, column_totals, grand_total):
    """All a hidden cell could be: up to the smallest shown total over it, or one more than it is
    when no shown total bounds it (then nothing stops it from growing)."""
    rows, columns = len(cells), len(cells[0])
    values = extended(cells)
    bounding = [
        e
        for e in displayed(cells, row_totals, column_totals, grand_total)
        if (e[0] == rows or e[1] == columns) and e not in hidden
    ]

    def domain(cell):
        bounds = [values[t] for t in bounding if cell in members(t, rows, columns)]
        return range(min(bounds) + 1 if bounds else values[cell] + 2)

    return domain


def brute_force_derivable(cells, hidden, row_totals, column_totals, grand_total):
    seen = {e: set() for e in hidden}
    domain = exact_domain(cells, hidden, row_totals, column_totals, grand_total)
    for table in completions(cells, hidden, row_totals, column_totals, grand_total, domain):
        for e in hidden:
            seen[e].add(table[e])
    return {e for e, values in seen.items() if len(values) == 1}


def determined_over_the_rationals(cells, hidden, row_totals, column_totals, grand_total):
    """Hidden figures fixed by the linear equations alone (ignoring that counts are non-negative):
    an independent, weaker check that also scales to 6 x 6."""
    rows, columns = len(cells), len(cells[0])
    unknown = sorted(e for e in hidden if e[0] < rows and e[1] < columns)
    index = {e: k for k, e in enumerate(unknown)}

    def vector(entry):
        v = [Fraction(0)] * len(unknown)
        for cell in members(entry, rows, columns):
            if cell in index:
                v[index[cell]] += 1
        return v

    equations = [
        vector(e)
        for e in displayed(cells, row_totals, column_totals, grand_total)
        if (e[0] == rows or e[1] == columns) and e not in hidden
    ]
    base = rank(equations)
    return {e for e in hidden if any(vector(e)) and rank([*equations, vector(e)]) == base}


def rank(vectors):
    matrix = [list(v) for v in vectors]
    r = 0
    width = len(matrix[0]) if matrix else 0
    for col in range(width):
        pivot = next((k for k in range(r, len(matrix)) if matrix[k][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        for k in range(len(matrix)):
            if k != r and matrix[k][col] != 0:
                factor = matrix[k][col] / matrix[r][col]
                matrix[k] = [a - factor * b for a, b in zip(matrix[k], matrix[r], strict=True)]
        r += 1
    return r


def lines(cells, row_totals, column_totals, grand_total):
    """The sums a reader knows: every row or column whose total is shown, with that total."""
    rows, columns = len(cells), len(cells[0])
    result = []
    if row_totals:
        result += [[(i, j) for j in range(columns + 1)] for i in range(rows)]
    if column_totals:
        result += [[(i, j) for i in range(rows + 1)] for j in range(columns)]
    if grand_total and row_totals:
        result.append([(i, columns) for i in range(rows + 1)])
    if grand_total and column_totals:
        result.append([(rows, j) for j in range(columns + 1)])
    return result


def shown_figures(table, cells):
    """What the page shows, in the coordinates of `Entry`."""
    rows, columns = len(cells), len(cells[0])
    figures = {(i, j): table.cells[i][j] for i in range(rows) for j in range(columns)}
    figures |= {(i, columns): v for i, v in enumerate(table.row_totals)}
    figures |= {(rows, j): v for j, v in enumerate(table.column_totals)}
    return figures


def tables(max_rows, max_columns, max_value):
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_columns).flatmap(
            lambda columns: st.lists(
                st.lists(st.integers(0, max_value), min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )


flags = st.fixed_dictionaries(
    {"row_totals": st.booleans(), "column_totals": st.booleans(), "grand_total": st.booleans()}
)


# --- the derivability check itself, against enumeration -----------------------------------------


@settings(max_examples=400)
@given(tables(3, 3, 3), flags, st.data())
def test_the_check_finds_exactly_the_figures_enumeration_pins_down(cells, options, data):
    entries = sorted(displayed(cells, **options))
    hidden = set(data.draw(st.lists(st.sampled_from(entries), unique=True, max_size=len(entries))))
    domain = exact_domain(cells, hidden, **options)
    size = 1
    for e in hidden:
        if e[0] < len(cells) and e[1] < len(cells[0]):
            size *= len(domain(e))
    assume(size <= 4_000)
    assert derivable_entries(cells, hidden, **options) == brute_force_derivable(cells, hidden, **options)


def residual_cycle_derivable(cells, hidden, row_totals, column_totals, grand_total):
    """The theory behind the check, searched plainly for every figure: a hidden figure can move
    when its arc lies on a cycle of unknown arcs, run backwards only through figures above zero.
    Checked against enumeration above, it checks the check's shortcuts on larger tables."""
    rows, columns = len(cells), len(cells[0])
    values = extended(cells)
    shown = displayed(cells, row_totals, column_totals, grand_total) - set(hidden)

    def arc(entry):
        i, j = entry
        ends = (("r", i), ("c", j))
        return ends if (i < rows) == (j < columns) else ends[::-1]

    arcs = []
    for entry in values:
        if entry not in shown:
            tail, head = arc(entry)
            arcs.append((tail, head, entry))
            if values[entry] > 0:
                arcs.append((head, tail, entry))

    def path(start, goal, without):
        seen, todo = {start}, [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            for tail, head, entry in arcs:
                if tail == node and entry != without and head not in seen:
                    seen.add(head)
                    todo.append(head)
        return False

    result = set()
    for entry in hidden:
        tail, head = arc(entry)
        if not (path(head, tail, entry) or (values[entry] > 0 and path(tail, head, entry))):
            result.add(entry)
    return result


@given(tables(6, 6, 6), flags, st.data())
def test_the_checks_shortcuts_agree_with_the_plain_search(cells, options, data):
    entries = sorted(displayed(cells, **options))
    hidden = set(data.draw(st.lists(st.sampled_from(entries), unique=True, max_size=len(entries))))
    assert derivable_entries(cells, hidden, **options) == residual_cycle_derivable(cells, hidden, **options)


def test_one_hidden_cell_beside_its_total_is_derivable():
    # The example: "dossiers opened 18" beside per-step counts of which one is hidden.
    cells = [[7], [3], [8]]
    assert derivable_entries(cells, {(1, 0)}, row_totals=False, column_totals=True, grand_total=False) == {(1, 0)}
    assert derivable_entries(cells, {(1, 0)}, row_totals=False, column_totals=False, grand_total=False) == set()


def test_zeros_can_pin_a_hidden_figure_that_the_lines_seem_to_protect():
    # Four hidden cells, two in every row and column: the lines look protected, but with zeros
    # beside it the 3 cannot move (a zero cannot go below zero), so all four are known. With a
    # non-zero figure in the opposite corner they can all move together.
    cells = [[3, 0], [0, 0]]
    options = {"row_totals": True, "column_totals": True, "grand_total": False}
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert derivable_entries(cells, hidden, **options) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    cells = [[3, 0], [0, 5]]
    assert derivable_entries(cells, hidden, **options) == set()


def test_the_check_refuses_a_position_outside_the_table():
    with pytest.raises(ValueError):
        derivable_entries([[1]], {(3, 3)}, row_totals=True, column_totals=True, grand_total=True)


# --- suppress_table: examples --------------------------------------------------------------------

ALL_TOTALS = {"row_totals": True, "column_totals": True, "grand_total": True}
NO_TOTALS = {"row_totals": False, "column_totals": False, "grand_total": False}


def test_a_table_without_small_counts_is_shown_whole():
    table = suppress_table([[12, 0], [5, 30]], threshold=5, **ALL_TOTALS)
    assert table.cells == ((12, 0), (5, 30))
    assert table.row_totals == (12, 35)
    assert table.column_totals == (17, 30)
    assert table.grand_total == 47
    assert table.hidden == frozenset()


def test_the_steps_beside_dossiers_opened_hide_a_second_step():
    # Per step 7, 3, 8 of 18 dossiers opened: 3 is small, and 7 goes with it (the smallest other).
    table = suppress_table([[7], [3], [8]], threshold=5, row_totals=False, column_totals=True, grand_total=False)
    assert table.cells == ((None,), (None,), (8,))
    assert table.column_totals == (18,)


def test_the_smallest_non_zero_figure_is_the_complement():
    table = suppress_table([[3, 10, 20, 0]], threshold=5, row_totals=True, column_totals=False, grand_total=False)
    assert table.cells == ((None, None, 20, 0),)
    assert table.row_totals == (33,)


def test_a_zero_is_hidden_when_only_zeros_are_left():
    # 1 and 6 of 7: the 1 would be 7 - 6; beside it are only zeros, so a zero goes with it (the
    # reader cannot tell it is zero: 1 + 0 could be 0 + 1).
    table = suppress_table([[1, 0], [0, 6]], threshold=5, row_totals=False, column_totals=False, grand_total=True)
    assert table.cells == ((None, None), (0, 6))
    assert table.grand_total == 7


def test_a_line_without_a_shown_total_may_hide_one_figure():
    # The years of one figure side by side are not a sum anybody reads: nothing to protect.
    table = suppress_table([[12, 3, 20]], threshold=5, **NO_TOTALS)
    assert table.cells == ((12, None, 20),)


def test_a_small_total_is_hidden_and_counts_in_its_line():
    table = suppress_table([[2, 0], [0, 9]], threshold=5, **ALL_TOTALS)
    assert table.cells[0][0] is None
    assert table.row_totals[0] is None and table.column_totals[0] is None
    assert not derivable_entries([[2, 0], [0, 9]], table.hidden, **ALL_TOTALS)


def test_a_block_of_hidden_cells_protects_itself():
    table = suppress_table([[3, 10, 20], [7, 8, 9], [0, 0, 6]], threshold=5, **ALL_TOTALS)
    assert table.cells == ((None, None, 20), (None, None, 9), (0, 0, 6))
    assert table.row_totals == (33, 24, 6)
    assert table.column_totals == (10, 18, 35)
    assert table.grand_total == 63


def test_the_threshold_is_passed_in():
    cells = [[7, 12], [20, 30]]
    assert suppress_table(cells, threshold=5, **NO_TOTALS).hidden == frozenset()
    assert suppress_table(cells, threshold=10, **NO_TOTALS).cells == ((None, 12), (20, 30))


def test_a_threshold_of_one_shows_the_exact_figures():
    table = suppress_table([[1, 2], [3, 4]], threshold=1, **ALL_TOTALS)
    assert table.cells == ((1, 2), (3, 4)) and table.grand_total == 10


@pytest.mark.parametrize("cells", [[[1, 2], [3]], [[-1]]], ids=["ragged", "negative"])
def test_a_malformed_table_is_a_bug(cells):
    with pytest.raises(ValueError):
        suppress_table(cells, threshold=5, **ALL_TOTALS)


def test_a_threshold_below_one_is_a_bug():
    with pytest.raises(ValueError):
        suppress_table([[1]], threshold=0, **ALL_TOTALS)


def test_an_empty_table_shows_its_zero_totals():
    table = suppress_table([], threshold=5, **ALL_TOTALS)
    assert table.cells == () and table.row_totals == () and table.column_totals == ()
    assert table.grand_total == 0


def test_the_same_table_gives_the_same_result():
    cells = [[1, 6, 9, 2], [4, 4, 12, 0], [7, 1, 1, 30]]
    results = {suppress_table(cells, threshold=5, **ALL_TOTALS) for _ in range(3)}
    assert len(results) == 1


# --- suppress_table: figures about few schools -------------------------------------------------


def test_a_municipality_of_two_schools_is_hidden_whole():
    # Rows are municipalities (5, 2 and 4 schools), columns are years.
    cells = [[12, 30], [14, 9], [8, 9]]
    table = suppress_table(cells, threshold=5, row_schools=[5, 2, 4], **ALL_TOTALS)
    assert table.cells[1] == (None, None) and table.row_totals[1] is None
    assert table.cells[0] == (12, 30) and table.row_totals[0] == 42
    # The region's totals stay, so the hidden row needs a partner in each column.
    assert table.column_totals == (34, 48) and table.grand_total == 82
    assert table.cells[2] == (None, None)
    assert not derivable_entries(cells, table.hidden, **ALL_TOTALS)


def test_a_zero_about_few_schools_is_hidden_too():
    table = suppress_table([[0, 0], [10, 20]], threshold=5, row_schools=[1, 6], **NO_TOTALS)
    assert table.cells == ((None, None), (10, 20))


def test_a_schools_own_column_on_a_board_page_is_shown():
    # A board of three schools may show its schools one by one: None says "one school, shown".
    cells = [[10, 12, 7], [6, 5, 9]]
    table = suppress_table(cells, threshold=5, column_schools=[None, None, None], total_schools=3, **ALL_TOTALS)
    assert table.cells == ((10, 12, 7), (6, 5, 9))
    assert table.grand_total == 49


def test_totals_over_fewer_than_three_schools_are_hidden():
    # Columns are two schools: their totals are the two schools together.
    cells = [[10, 12], [6, 5]]
    table = suppress_table(cells, threshold=5, column_schools=[None, None], total_schools=2, **ALL_TOTALS)
    assert table.row_totals == (None, None) and table.grand_total is None


def test_the_total_covers_the_sum_of_the_lines_by_default():
    cells = [[10], [12]]
    assert suppress_table(cells, threshold=5, row_schools=[3, 4], **ALL_TOTALS).grand_total == 22
    table = suppress_table(cells, threshold=5, row_schools=[1, 1], **ALL_TOTALS)
    assert table.grand_total is None and table.column_totals == (None,)


def test_a_table_about_two_schools_shows_nothing():
    table = suppress_table([[10, 20], [30, 40]], threshold=5, total_schools=2, **ALL_TOTALS)
    assert table.cells == ((None, None), (None, None)) and table.grand_total is None


def test_schools_go_with_the_rows_or_with_the_columns():
    with pytest.raises(ValueError):
        suppress_table([[1]], threshold=5, row_schools=[3], column_schools=[3], **ALL_TOTALS)
    with pytest.raises(ValueError):
        suppress_table([[1], [2]], threshold=5, row_schools=[3], **ALL_TOTALS)
    with pytest.raises(ValueError):
        suppress_table([[1, 2]], threshold=5, column_schools=[3], **ALL_TOTALS)


# --- suppress_table: properties over random tables -----------------------------------------------


@given(tables(6, 6, 30), st.integers(2, 10), flags)
def test_nothing_shown_is_a_small_count(cells, threshold, options):
    table = suppress_table(cells, threshold=threshold, **options)
    for value in shown_figures(table, cells).values():
        assert value is None or value == 0 or value >= threshold
    assert table.grand_total is None or table.grand_total == 0 or table.grand_total >= threshold


@given(tables(6, 6, 30), st.integers(2, 10), flags)
def test_shown_figures_are_the_true_ones_and_none_marks_the_hidden(cells, threshold, options):
    table = suppress_table(cells, threshold=threshold, **options)
    values = extended(cells)
    figures = shown_figures(table, cells)
    if options["grand_total"]:
        figures[(len(cells), len(cells[0]))] = table.grand_total
    assert set(figures) == displayed(cells, **options)
    for entry, value in figures.items():
        assert (value is None) == (entry in table.hidden)
        assert value is None or value == values[entry]


@given(tables(6, 6, 30), st.integers(2, 10), flags)
def test_no_line_with_a_shown_total_has_exactly_one_hidden_figure(cells, threshold, options):
    table = suppress_table(cells, threshold=threshold, **options)
    for line in lines(cells, **options):
        assert sum(e in table.hidden for e in line) != 1, line


@given(tables(6, 6, 30), st.integers(2, 10), flags)
def test_no_hidden_figure_follows_from_the_equations(cells, threshold, options):
    table = suppress_table(cells, threshold=threshold, **options)
    assert determined_over_the_rationals(cells, table.hidden, **options) == set()
    assert derivable_entries(cells, table.hidden, **options) == set()


@given(tables(3, 3, 12), st.integers(2, 10), flags)
def test_every_hidden_figure_has_another_possible_value(cells, threshold, options):
    # Solve the small tables: enumerate completions in which each hidden cell moves by at most
    # one, and find one for each hidden figure that gives it another value (enough: any change of
    # a whole-number table is a sum of such steps).
    table = suppress_table(cells, threshold=threshold, **options)
    values = extended(cells)
    moved = set()
    for completion in completions(
        cells, table.hidden, **options, domain=lambda e: range(max(0, values[e] - 1), values[e] + 2)
    ):
        moved |= {e for e in table.hidden if completion[e] != values[e]}
    assert moved == set(table.hidden)


@given(tables(6, 6, 30), st.integers(2, 10), flags)
def test_a_table_without_small_counts_hides_nothing(cells, threshold, options):
    assume(all(v == 0 or v >= threshold for row in cells for v in row))
    assert suppress_table(cells, threshold=threshold, **options).hidden == frozenset()


@given(
    tables(6, 6, 30).flatmap(
        lambda cells: st.tuples(st.just(cells), st.lists(st.integers(0, 6), min_size=len(cells), max_size=len(cells)))
    ),
    st.integers(2, 10),
    flags,
)
def test_groups_of_few_schools_never_show(cells_and_schools, threshold, options):
    cells, schools = cells_and_schools
    table = suppress_table(cells, threshold=threshold, row_schools=schools, **options)
    for i, n in enumerate(schools):
        if n < MIN_SCHOOLS:
            assert all(v is None for v in table.cells[i])
            assert not options["row_totals"] or table.row_totals[i] is None
    if sum(schools) < MIN_SCHOOLS:
        assert all(v is None for v in table.column_totals) and table.grand_total is None
    assert derivable_entries(cells, table.hidden, **options) == set()


# --- the installation's setting ------------------------------------------------------------------


def _threshold_setting(value):
    script = "from django.conf import settings; print(settings.HAVEN_INSIGHTS_THRESHOLD)"
    env = clean_environment(DJANGO_SETTINGS_MODULE="haven.settings")
    if value is not None:
        env["HAVEN_INSIGHTS_THRESHOLD"] = value
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("value", "threshold"), [(None, "5"), ("10", "10"), ("2", "2")])
def test_the_installation_sets_the_threshold(value, threshold):
    result = _threshold_setting(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == threshold


@pytest.mark.parametrize("value", ["1", "0", "-3"])
def test_a_threshold_that_hides_nothing_is_refused(value):
    result = _threshold_setting(value)
    assert result.returncode != 0
    assert "HAVEN_INSIGHTS_THRESHOLD must be at least 2" in result.stderr
