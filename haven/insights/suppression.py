"""Small-cell suppression: aggregates never let a child or a small school be recognised. Pure.

A count from 1 to threshold - 1 is not shown (a zero is: nothing happened, nobody to recognise).
The threshold is the installation's (`HAVEN_INSIGHTS_THRESHOLD`, default THRESHOLD); the page
layer reads the setting and passes it in, so the rules here stay free of Django.
An organisation with fewer than MIN_SCHOOLS schools shows no figures at all, because its totals
would be one school's figures (the seeds' practice: boards with one school are merged with others).

`suppress_table` hides the small cells of a whole table and then enough others ("complementary
suppression") that no hidden figure can be worked out from what is shown and the totals; see its
docstring. `derivable_entries` is the check it relies on, public so that an auditor (and the
tests) can apply it to any table.
"""

from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

THRESHOLD = 5
MIN_SCHOOLS = 3

# A position in the table extended with its totals: (row, column) for a cell, (row, columns) for
# row `row`'s total, (rows, column) for column `column`'s total, (rows, columns) for the grand total.
Entry = tuple[int, int]


def suppress(count: int, threshold: int = THRESHOLD) -> int | None:
    """The count, or None when it is too small to show."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    return None if 0 < count < threshold else count


def enough_schools(school_count: int, minimum: int = MIN_SCHOOLS) -> bool:
    return school_count >= minimum


@dataclass(frozen=True)
class SuppressedTable:
    """What a table may show: None is a hidden figure.

    `row_totals` and `column_totals` are empty and `grand_total` is None when they were not asked
    for (the caller knows what it asked). `hidden` lists every hidden figure in the extended
    coordinates of `Entry`. Show every hidden figure with the same mark: telling a small count
    ("< 5") apart from one hidden to protect it tells the reader more than the check assumes.
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    hidden: frozenset[Entry]


def suppress_table(
    cells: Sequence[Sequence[int]],
    *,
    threshold: int,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool,
    row_schools: Sequence[int | None] | None = None,
    column_schools: Sequence[int | None] | None = None,
    total_schools: int | None = None,
    min_schools: int = MIN_SCHOOLS,
    also_hidden: Collection[Entry] = (),
) -> SuppressedTable:
    """Suppress a table of counts (rows x columns) and the totals asked for (the sums).

    The rules, applied until nothing changes:
    1. A count, or a total, from 1 to threshold - 1 is hidden. Zero is shown. A threshold of 1
       hides nothing (a school's own exact page).
    2. A figure about fewer than `min_schools` schools is hidden whatever its value, zero too.
       Say which lines are groups of schools with `row_schools` (or `column_schools`, not both):
       the number of schools each row (column) covers, its cells and its total. Lines in that
       direction must be disjoint groups (schools, municipalities, boards). None for a line means
       no rule: one school's own figures on a page that may show them (a board or municipality of
       at least three schools shows its schools one by one), or a line that is not a group of
       schools (a year, a step). `total_schools` is how many schools the other totals and the
       grand total cover (by default the sum of the line counts, when every line has one); when
       no line has a count it applies to every figure of the table.
    3. A row or a column whose total is shown (and the row of column totals or the column of
       row totals, when the grand total is shown) never has exactly one hidden figure, its total
       included: the smallest non-zero figure still shown in it is hidden too, or a zero when
       only zeros are left (the reader does not know a hidden figure is zero). A line without a
       shown total is not a sum the reader knows, so it may show one hidden figure; but a line
       whose sum the page shows anywhere else (a headline figure, another table) must come with
       its total shown, here, so that this rule and the next see it.
    4. No hidden figure may be derivable: for each, the non-negative integer completions of the
       table that agree with everything shown must leave it more than one value
       (`derivable_entries`). A derivable figure gets a neighbour hidden: the smallest non-zero
       figure still shown in its row or column, else anywhere in the table.

    Complementary figures are chosen smallest first, so the least information is lost; among
    equals, a cell before a total, and one that also completes another line before one that
    starts a new line of one hidden figure.

    `also_hidden` lists figures (in the coordinates of `Entry`, shown ones only) that are hidden
    whatever their value, before rules 3 and 4: the same figure hidden in another table of the
    same page must be hidden here too, and protected here like any other hidden figure.
    """
    if threshold < 1:
        raise ValueError("the threshold is at least 1")
    if row_schools is not None and column_schools is not None:
        raise ValueError("say which schools the rows cover or which the columns cover, not both")
    grid = _Grid(cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total)
    rows, columns = grid.rows, grid.columns
    if row_schools is not None and len(row_schools) != rows:
        raise ValueError("one school count per row")
    if column_schools is not None and len(column_schools) != columns:
        raise ValueError("one school count per column")

    lines = row_schools if row_schools is not None else column_schools
    if total_schools is None and lines is not None and all(n is not None for n in lines):
        total_schools = sum(n for n in lines if n is not None)

    def schools_of(entry: Entry) -> int | None:
        i, j = entry
        if row_schools is not None:
            return row_schools[i] if i < rows else total_schools
        if column_schools is not None:
            return column_schools[j] if j < columns else total_schools
        return total_schools

    hidden: set[Entry] = set()
    if rows and columns:
        for entry in grid.displayed:
            value = grid.values[entry]
            schools = schools_of(entry)
            if 0 < value < threshold or (schools is not None and schools < min_schools):
                hidden.add(entry)
        for entry in also_hidden:
            if entry not in grid.displayed:
                raise ValueError(f"{entry} is not a figure the table shows")
            hidden.add(entry)
        while True:
            _complete_lines(grid, hidden)
            exposed = derivable_entries(
                cells, hidden, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
            )
            if not exposed:
                break
            hidden.add(_neighbour_to_hide(grid, hidden, min(exposed)))

    def shown(entry: Entry) -> int | None:
        return None if entry in hidden else grid.values[entry]

    return SuppressedTable(
        cells=tuple(tuple(shown((i, j)) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(shown((i, columns)) for i in range(rows)) if row_totals else (),
        column_totals=tuple(shown((rows, j)) for j in range(columns)) if column_totals else (),
        grand_total=shown((rows, columns)) if grand_total else None,
        hidden=frozenset(hidden),
    )


def derivable_entries(
    cells: Sequence[Sequence[int]],
    hidden: Collection[Entry],
    *,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool,
) -> set[Entry]:
    """The hidden figures a reader can work out exactly from the shown figures and totals.

    The reader knows every shown figure, that every figure is a non-negative whole number and that
    totals are sums; totals not shown are unknown. The table with its totals is a circulation in
    a network (a node per row and per column; each figure an arc; each row's and each column's
    cells sum to its total), so a hidden figure can take another value exactly when its arc lies
    on a cycle of hidden or unshown arcs that may run through a figure backwards only where that
    figure is above zero. This is exact for whole numbers (the network matrix is totally
    unimodular): no enumeration needed.
    """
    grid = _Grid(cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total)
    unknown = [entry for entry in grid.values if entry in hidden or entry not in grid.displayed]
    # node ids: rows 0..rows (the last is the row of column totals), then the columns.
    outgoing: dict[int, list[tuple[int, Entry]]] = {}
    for entry in unknown:
        tail, head = grid.arc(entry)
        outgoing.setdefault(tail, []).append((head, entry))
        if grid.values[entry] > 0:
            outgoing.setdefault(head, []).append((tail, entry))

    def reachable(start: int, goal: int, without: Entry) -> bool:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for nxt, entry in outgoing.get(node, ()):
                if entry != without and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    # Two shortcuts spare most searches on large tables: a figure above zero that is no bridge of
    # the undirected graph of the unknown figures above zero lies on a cycle it can move along;
    # a zero can only grow, which it can exactly when both ends share a strongly connected
    # component of the residual network.
    component = _components(outgoing)
    bridges = _bridges([entry for entry in unknown if grid.values[entry] > 0], grid)
    exposed: set[Entry] = set()
    for entry in hidden:
        if entry not in grid.values:
            raise ValueError(f"{entry} is not a figure of the table")
        if entry not in grid.displayed:
            continue
        tail, head = grid.arc(entry)
        if grid.values[entry] == 0:
            movable = component.get(tail) == component.get(head)
        else:
            movable = entry not in bridges or reachable(head, tail, entry) or reachable(tail, head, entry)
        if not movable:
            exposed.add(entry)
    return exposed


def _components(outgoing: dict[int, list[tuple[int, Entry]]]) -> dict[int, int]:
    """The strongly connected component of each node (Kosaraju, without recursion)."""
    nodes = set(outgoing) | {nxt for arcs in outgoing.values() for nxt, _entry in arcs}
    order: list[int] = []
    seen: set[int] = set()
    for start in sorted(nodes):
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(outgoing.get(start, ())))]
        while stack:
            node, arcs = stack[-1]
            for nxt, _entry in arcs:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, iter(outgoing.get(nxt, ()))))
                    break
            else:
                stack.pop()
                order.append(node)
    incoming: dict[int, list[int]] = {}
    for node, out in outgoing.items():
        for nxt, _entry in out:
            incoming.setdefault(nxt, []).append(node)
    component: dict[int, int] = {}
    for start in reversed(order):
        if start in component:
            continue
        component[start] = start
        todo = [start]
        while todo:
            node = todo.pop()
            for previous in incoming.get(node, ()):
                if previous not in component:
                    component[previous] = start
                    todo.append(previous)
    return component


def _bridges(entries: Sequence[Entry], grid: "_Grid") -> set[Entry]:
    """The figures whose arc is a bridge of the undirected graph of `entries` (Tarjan, without
    recursion). Two figures never join the same two nodes, so no parallel arcs."""
    neighbours: dict[int, list[tuple[int, Entry]]] = {}
    for entry in entries:
        a, b = grid.arc(entry)
        neighbours.setdefault(a, []).append((b, entry))
        neighbours.setdefault(b, []).append((a, entry))
    found: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: set[Entry] = set()
    for start in sorted(neighbours):
        if start in found:
            continue
        found[start] = low[start] = len(found)
        stack: list[tuple[int, Entry | None, Iterator[tuple[int, Entry]]]] = [(start, None, iter(neighbours[start]))]
        while stack:
            node, via, arcs = stack[-1]
            for nxt, entry in arcs:
                if entry == via:
                    continue
                if nxt in found:
                    low[node] = min(low[node], found[nxt])
                else:
                    found[nxt] = low[nxt] = len(found)
                    stack.append((nxt, entry, iter(neighbours[nxt])))
                    break
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > found[parent]:
                        bridges.add(via)
    return bridges


class _Grid:
    """A table extended with its totals (all of them computed, only some displayed)."""

    def __init__(self, cells: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool, grand_total: bool):
        self.rows = len(cells)
        self.columns = len(cells[0]) if cells else 0
        if any(len(row) != self.columns for row in cells):
            raise ValueError("every row of a table has the same number of cells")
        if any(value < 0 for row in cells for value in row):
            raise ValueError("a count cannot be negative")
        rows, columns = self.rows, self.columns
        self.values: dict[Entry, int] = {(i, j): cells[i][j] for i in range(rows) for j in range(columns)}
        for i in range(rows):
            self.values[(i, columns)] = sum(cells[i])
        for j in range(columns):
            self.values[(rows, j)] = sum(cells[i][j] for i in range(rows))
        self.values[(rows, columns)] = sum(map(sum, cells))
        self.displayed: set[Entry] = {(i, j) for i in range(rows) for j in range(columns)}
        # The lines within which one hidden figure would be recomputed from the others.
        self.lines: list[list[Entry]] = []
        if row_totals:
            self.displayed.update((i, columns) for i in range(rows))
            self.lines += [[(i, j) for j in range(columns + 1)] for i in range(rows)]
        if column_totals:
            self.displayed.update((rows, j) for j in range(columns))
            self.lines += [[(i, j) for i in range(rows + 1)] for j in range(columns)]
        if grand_total and row_totals:
            self.lines.append([(i, columns) for i in range(rows + 1)])
        if grand_total and column_totals:
            self.lines.append([(rows, j) for j in range(columns + 1)])
        if grand_total:
            self.displayed.add((rows, columns))
        self.lines_of: dict[Entry, list[list[Entry]]] = {}
        for line in self.lines:
            for entry in line:
                self.lines_of.setdefault(entry, []).append(line)

    def is_total(self, entry: Entry) -> bool:
        return entry[0] == self.rows or entry[1] == self.columns

    def arc(self, entry: Entry) -> tuple[int, int]:
        """(tail, head) of the figure's arc: cells and the grand total run from their row's node to
        their column's node, row and column totals the other way, so every node balances."""
        i, j = entry
        row_node, column_node = i, self.rows + 1 + j
        if (i < self.rows) == (j < self.columns):
            return row_node, column_node
        return column_node, row_node


def _preference(grid: _Grid, hidden: set[Entry], entry: Entry) -> tuple[bool, int, bool, int, Entry]:
    value = grid.values[entry]
    # Hiding it leaves some other line of it with exactly one hidden figure: 0 completes such a
    # line, 1 is neutral, 2 starts a new one.
    effect = 1
    counts = [sum(e in hidden for e in line) for line in grid.lines_of.get(entry, [])]
    if any(n == 1 for n in counts):
        effect = 0
    elif any(n == 0 and len(line) > 1 for n, line in zip(counts, grid.lines_of.get(entry, []), strict=True)):
        effect = 2
    return (value == 0, value, grid.is_total(entry), effect, entry)


def _complete_lines(grid: _Grid, hidden: set[Entry]) -> None:
    """Rule 3, until no line has exactly one hidden figure."""
    changed = True
    while changed:
        changed = False
        for line in grid.lines:
            if sum(entry in hidden for entry in line) == 1:
                candidates = [entry for entry in line if entry not in hidden]
                if candidates:
                    hidden.add(min(candidates, key=lambda entry: _preference(grid, hidden, entry)))
                    changed = True


def _neighbour_to_hide(grid: _Grid, hidden: set[Entry], exposed: Entry) -> Entry:
    """Rule 4: the figure to hide next to protect a derivable one."""
    i, j = exposed
    near = [e for e in grid.displayed if (e[0] == i or e[1] == j) and e not in hidden]
    candidates = near or [e for e in grid.displayed if e not in hidden]
    # A derivable figure with everything hidden is impossible (the network is then strongly
    # connected), so there is always a candidate.
    return min(candidates, key=lambda entry: _preference(grid, hidden, entry))
