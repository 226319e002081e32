#!/usr/bin/env python3
"""Dumps an .xlsx as JSON with each cell's type, read by openpyxl (an independent reader):
for tests/xlsx_report.rs. Per sheet: its name, frozen panes, autofilter range, and rows of
cells [type, value, fill]: type "s" text, "n" number, "d" date (value ISO 8601, no zone),
"f" formula, null for an empty cell; fill is the cell's fill colour (RRGGBB) or null.

    python3 tests/xlsx/read.py BOOK.xlsx
"""
import datetime
import json
import sys

import openpyxl


def cell(c):
    v = c.value
    fill = None
    if c.fill is not None and c.fill.fill_type == "solid":
        rgb = c.fill.fgColor.rgb
        fill = rgb[-6:] if isinstance(rgb, str) else None
    if v is None:
        return [None, None, fill]
    if c.data_type == "f":
        return ["f", str(v), fill]
    if isinstance(v, datetime.datetime):
        return ["d", v.isoformat(), fill]
    if isinstance(v, bool):
        return ["b", v, fill]
    if isinstance(v, (int, float)):
        return ["n", v, fill]
    return ["s", v, fill]


def main():
    book = openpyxl.load_workbook(sys.argv[1])
    out = []
    for ws in book.worksheets:
        out.append({
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "autofilter": ws.auto_filter.ref,
            "date_formats": sorted({c.number_format for row in ws.iter_rows() for c in row if c.is_date}),
            "rows": [[cell(c) for c in row] for row in ws.iter_rows()],
        })
    json.dump(out, sys.stdout)


main()
