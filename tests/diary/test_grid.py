"""The paper diary's grid, as plain data: rows of quarter hours, cells that span them."""

from __future__ import annotations

from diary import grid
from diary.grid import ColumnSpec, column_cells

NINE, NOON = 9 * 60, 12 * 60


def _kinds(cells):
    return [(c.kind, c.clock, c.rows) for c in cells]


def test_a_booking_spans_its_quarters_and_free_quarters_stand_alone():
    spec = ColumnSpec(windows=[(NINE, NOON)], bookings=[(NINE + 30, NINE + 75, "emma")])

    cells = column_cells(spec, NINE, 10 * 60 + 30, usual_minutes=45)

    assert _kinds(cells) == [
        ("free", "09:00", 1),
        ("free", "09:15", 1),
        ("booked", "09:30", 3),
        ("free", "10:15", 1),
    ]
    assert cells[2].entries == ["emma"]


def test_a_free_quarter_offers_what_is_free_after_it_up_to_the_usual_length():
    spec = ColumnSpec(windows=[(NINE, NOON)], bookings=[(NINE + 30, NINE + 75, "emma")])

    cells = column_cells(spec, NINE, NOON, usual_minutes=45)

    assert [c.free_minutes for c in cells[:2]] == [30, 15]
    assert cells[3].free_minutes == 45  # 10:15, with the rest of the morning free
    assert cells[-1].free_minutes == 15  # 11:45, the last quarter before noon


def test_bookings_off_the_quarter_share_a_cell_when_their_quarters_touch():
    spec = ColumnSpec(
        windows=[(NINE, NOON)], bookings=[(NINE, NINE + 40, "a"), (NINE + 40, NINE + 85, "b")]
    )

    cells = column_cells(spec, NINE, NINE + 120, usual_minutes=45)

    assert _kinds(cells)[0] == ("booked", "09:00", 6)  # 09:00 to 10:30
    assert cells[0].entries == ["a", "b"]


def test_closed_time_time_off_and_the_past_are_one_cell_per_run():
    spec = ColumnSpec(windows=[(NINE, NOON)], away=[(10 * 60, 11 * 60)], now=NINE + 30)

    cells = column_cells(spec, 8 * 60, 13 * 60, usual_minutes=45)

    assert _kinds(cells) == [
        ("closed", "08:00", 4),
        ("past", "09:00", 2),
        ("free", "09:30", 1),
        ("free", "09:45", 1),
        ("away", "10:00", 4),
        ("free", "11:00", 1),
        ("free", "11:15", 1),
        ("free", "11:30", 1),
        ("free", "11:45", 1),
        ("closed", "12:00", 4),
    ]
    assert [c.label for c in cells[:2]] == ["Not working", "Past"]


def test_the_rows_cover_every_window_and_booking_of_every_column():
    early = ColumnSpec(windows=[(8 * 60, NOON)])
    late = ColumnSpec(windows=[(NOON, 18 * 60)], bookings=[(18 * 60 + 10, 18 * 60 + 40, "x")])

    assert grid.span_of([early, late], default=(0, 0)) == (8 * 60, 18 * 60 + 45)
    assert grid.span_of([ColumnSpec(windows=[])], default=(480, 1140)) == (480, 1140)


def test_each_row_holds_the_cells_that_start_on_it():
    one = column_cells(
        ColumnSpec(windows=[(NINE, NOON)], bookings=[(NINE, NINE + 30, "a")]), NINE, NINE + 45, 45
    )
    two = column_cells(ColumnSpec(windows=[(NINE, NOON)]), NINE, NINE + 45, 45)

    rows = grid.grid_rows([one, two], NINE, NINE + 45)

    assert [clock for clock, _ in rows] == ["09:00", "09:15", "09:30"]
    assert [cell is None for cell in rows[1][1]] == [True, False]  # the booking spans 09:15


def test_the_quarters_marked_span_by_span_are_those_asked_quarter_by_quarter():
    specs = [
        ColumnSpec(windows=[(NINE, NOON)], away=[(10 * 60, 11 * 60)], now=NINE + 30),
        ColumnSpec(windows=[(NINE + 10, NOON - 5), (13 * 60, 17 * 60 + 50)], away=[(605, 610)]),
        ColumnSpec(windows=[(0, grid.DAY_END)], away=[(NOON - 1, NOON + 1)], now=grid.DAY_END),
        ColumnSpec(windows=[], away=[(NINE, NOON)], now=NOON + 7),
        ColumnSpec(windows=[(NINE, NINE + 14)], now=-1),
    ]
    for spec in specs:
        for first, last in ((8 * 60, 19 * 60), (0, grid.DAY_END), (NINE, NINE + 15)):
            count = (last - first) // grid.QUARTER
            asked = [grid._kind(spec, first + n * grid.QUARTER) for n in range(count)]
            assert grid._kinds(spec, first, count) == asked, (spec, first)
