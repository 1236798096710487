"""Prints an XLSX file's sheets as JSON: {sheet: [[cell, ...], ...]}.
Run with Debian's /usr/bin/python3, where python3-openpyxl installs
(test_export.py calls it; an independent reader of Svar's XLSX)."""
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                  for ws in wb.worksheets}))
