#!/usr/bin/env python3
"""Verify an exported Chamber audit record without Chamber.

Usage: python3 verify_audit.py RECORD.jsonl

Needs only Python 3's standard library. See audit-verification.md beside this file.
Exit 0 and print "intact: N entries" when every entry commits to its own content and to the
previous entry, and the head line names the last entry; exit 1 naming the first bad entry.
"""
import hashlib
import json
import sys

GENESIS = "0" * 64


def canonical(entry):
    content = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main(path):
    prev_hash, expected_seq, head = GENESIS, 1, None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if "head" in record:
                head = record["head"]
                continue
            seq = record["seq"]
            if seq != expected_seq:
                print(f"entry {seq} (line {number}): expected entry {expected_seq}")
                return 1
            if record["prev_hash"] != prev_hash:
                print(f"entry {seq} (line {number}): does not commit to the previous entry")
                return 1
            digest = hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()
            if digest != record["hash"]:
                print(f"entry {seq} (line {number}): content does not match its hash")
                return 1
            prev_hash, expected_seq = record["hash"], seq + 1
    count = expected_seq - 1
    if head is None:
        print("no head line: the export is truncated")
        return 1
    if head["seq"] != count or (count and head["hash"] != prev_hash):
        print(f"entry {count + 1}: the head names entry {head['seq']}, the record ends at {count}")
        return 1
    print(f"intact: {count} entries; head {prev_hash}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
