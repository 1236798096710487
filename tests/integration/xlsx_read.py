"""Prints an XLSX file's sheets as JSON: {sheet: [[cell, ...], ...]};
a date-time cell as {"datetime": "YYYY-MM-DD HH:MM:SS"}.
Run with Debian's /usr/bin/python3, where python3-openpyxl installs
(test_export.py calls it; an independent reader of Svar's XLSX)."""
import datetime
import json
import sys

import openpyxl



def cell(v):
    if isinstance(v, datetime.datetime):
        return {"datetime": v.strftime("%Y-%m-%d %H:%M:%S")}
    return v


wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(json.dumps({ws.title: [[cell(v) for v in r]
                             for r in ws.iter_rows(values_only=True)]
                  for ws in wb.worksheets}))
