"""The 2021 wave's variables and their values, for export_data.sql:
reads the JSON codebook (svarctl export --format codebook-json) on
stdin, prints "var<TAB>kind<TAB>{codes}" per stored answer variable."""
import json
import sys

cb = json.load(sys.stdin)
for v in cb["variables"]:
    if v["part"] != "value" or "item" not in v:
        continue
    codes = [int(x["code"]) for x in v["values"]]
    if v["type"] == "string":
        kind = "t"
    elif codes:
        kind = "c"
    else:
        kind = "n"
    print(f"{v['name']}\t{kind}\t{{{','.join(map(str, codes))}}}")
