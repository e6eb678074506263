"""An independent pivot of the JCC's published table, for tests/jcc_published.rs.

Reads one sheet with openpyxl (not calamine), finds the columns by their header, skips the
HXL hashtag row and empty rows, and prints JSON: voyages, cargo lines, total tonnage (in kg,
rounded per line), first and last departure date, and tonnage (kg) by commodity, destination
country and income group. Income-group labels are folded to the World Bank's four here, by
this script's own rule (lower case, hyphens as spaces).

Usage: python3 pivot.py FILE.xlsx SHEET
"""
import json
import sys
from collections import defaultdict

import openpyxl

NAMES = {
    "Outbound Sequence": "seq", "#": "seq",
    "Country": "country",
    "Commodity": "commodity",
    "Tonnage": "tonnage", "Metric tons": "tonnage",
    "Departure": "departure", "Departure date": "departure",
    "Income group": "income",
}
INCOME = {
    "low income": "Low income",
    "lower middle income": "Lower-middle income",
    "upper middle income": "Upper-middle income",
    "high income": "High income",
}


def main(path, sheet):
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)[sheet]
    rows = ws.iter_rows(values_only=True)
    header = next(rows)
    col = {NAMES[h]: i for i, h in enumerate(header) if h in NAMES}
    seqs = set()
    lines = 0
    total = 0
    deps = []
    piv = {k: defaultdict(int) for k in ("commodity", "country", "income")}
    for r in rows:
        if r is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
            continue
        seq = r[col["seq"]]
        if isinstance(seq, str) and seq.startswith("#"):
            continue  # the HXL hashtag row
        kg = int(round(float(r[col["tonnage"]]) * 1000))
        seqs.add(int(seq))
        lines += 1
        total += kg
        deps.append(r[col["departure"]].date().isoformat())
        piv["commodity"][r[col["commodity"]].strip()] += kg
        piv["country"][r[col["country"]].strip()] += kg
        inc = (r[col["income"]] or "").strip().lower().replace("-", " ")
        piv["income"][INCOME.get(inc, "not stated")] += kg
    print(json.dumps({
        "voyages": len(seqs),
        "cargo_lines": lines,
        "tonnage_kg": total,
        "first_departure": min(deps),
        "last_departure": max(deps),
        "by_commodity": piv["commodity"],
        "by_destination": piv["country"],
        "by_income_group": piv["income"],
    }, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
