#!/usr/bin/env python3
"""Verify an exported Chamber audit record without Chamber, and check it against checkpoints.

Usage: python3 verify_audit.py RECORD.jsonl [--checkpoint FILE]... [--public-key HEX]

The chain check needs only Python 3's standard library. See audit-verification.md beside this
file. Exit 0 and print "intact: N entries" when every entry commits to its own content and to the
previous entry, the head line names the last entry, and the record extends every checkpoint
given; exit 1 naming the first bad entry or the checkpoint no longer extended; exit 2 for bad use.

A checkpoint's Ed25519 signature is checked with Python's `cryptography` package when it is
installed, else with `openssl pkeyutl` (OpenSSL 3). VERIFY_AUDIT_SIGNATURES=cryptography or
=openssl chooses one.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

GENESIS = "0" * 64
FORMAT = "chamber-audit-checkpoint/v1"


def canonical(entry):
    content = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def check_chain(path):
    """The record's entries by seq, or (None, message) at the first bad entry."""
    prev_hash, expected_seq, head, hashes = GENESIS, 1, None, {0: GENESIS}
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
                return None, f"entry {seq} (line {number}): expected entry {expected_seq}"
            if record["prev_hash"] != prev_hash:
                return None, f"entry {seq} (line {number}): does not commit to the previous entry"
            digest = hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()
            if digest != record["hash"]:
                return None, f"entry {seq} (line {number}): content does not match its hash"
            prev_hash, expected_seq = record["hash"], seq + 1
            hashes[seq] = prev_hash
    count = expected_seq - 1
    if head is None:
        return None, "no head line: the export is truncated"
    if head["seq"] != count or (count and head["hash"] != prev_hash):
        return None, f"entry {count + 1}: the head names entry {head['seq']}, the record ends at {count}"
    return hashes, f"intact: {count} entries; head {prev_hash}"


def signed_message(cp):
    return f"{FORMAT}\nseq {cp['seq']}\nhash {cp['hash']}\nat {cp['at']}\n".encode("ascii")


def signature_valid(cp, tool):
    key, sig, message = bytes.fromhex(cp["public_key"]), bytes.fromhex(cp["signature"]), signed_message(cp)
    if tool == "cryptography":
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(sig, message)
            return True
        except InvalidSignature:
            return False
    # OpenSSL reads the public key as PEM: the raw key behind the Ed25519 SubjectPublicKeyInfo prefix.
    der = bytes.fromhex("302a300506032b6570032100") + key
    pem = "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n"
    with tempfile.TemporaryDirectory() as d:
        files = {"key.pem": pem.encode(), "message": message, "signature": sig}
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        done = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", os.path.join(d, "key.pem"),
             "-rawin", "-in", os.path.join(d, "message"), "-sigfile", os.path.join(d, "signature")],
            capture_output=True)
        return done.returncode == 0


def signature_tool():
    chosen = os.environ.get("VERIFY_AUDIT_SIGNATURES")
    if chosen:
        return chosen
    try:
        import cryptography  # noqa: F401
        return "cryptography"
    except ImportError:
        return "openssl"


def read_checkpoint(path):
    with open(path, encoding="utf-8") as f:
        cp = json.load(f)
    fields = {"format", "seq", "hash", "at", "public_key", "signature"}
    if not isinstance(cp, dict) or set(cp) != fields or cp["format"] != FORMAT:
        raise ValueError(f"expected exactly the fields {sorted(fields)} and format {FORMAT}")
    for field, length in (("hash", 64), ("public_key", 64), ("signature", 128)):
        value = cp[field]
        if not isinstance(value, str) or len(value) != length or value.strip("0123456789abcdef"):
            raise ValueError(f"field '{field}': expected {length} lower-case hexadecimal characters")
    return cp


def main(argv):
    args, record, checkpoints, pinned = list(argv), None, [], None
    while args:
        arg = args.pop(0)
        if arg == "--checkpoint" and args:
            checkpoints.append(args.pop(0))
        elif arg == "--public-key" and args:
            pinned = args.pop(0).lower()
        elif record is None and not arg.startswith("--"):
            record = arg
        else:
            print(__doc__)
            return 2
    if record is None:
        print(__doc__)
        return 2
    hashes, message = check_chain(record)
    if hashes is None:
        print(message)
        return 1
    tool, kept = signature_tool(), []
    for path in checkpoints:
        try:
            cp = read_checkpoint(path)
        except (OSError, ValueError) as e:
            print(f"checkpoint {path}: {e}")
            return 2
        if pinned and cp["public_key"] != pinned:
            print(f"checkpoint {path}: signed by {cp['public_key']}, not by the expected key {pinned}")
            return 1
        if not signature_valid(cp, tool):
            print(f"checkpoint {path}: its signature does not verify under its public key ({tool})")
            return 1
        seq, last = cp["seq"], max(hashes)
        if seq not in hashes:
            print(f"the record no longer extends checkpoint {path}: it ends at entry {last}, "
                  f"the checkpoint vouches for entry {seq} (entries were cut)")
            return 1
        if hashes[seq] != cp["hash"]:
            print(f"the record no longer extends checkpoint {path}: entry {seq} has another hash "
                  f"(the record was rewritten at or before entry {seq})")
            return 1
        kept.append((seq, path))
    print(message)
    for seq, path in kept:
        print(f"extends checkpoint {path}: entry {seq}")
    kept.sort()
    for (seq_a, a), (seq_b, b) in zip(kept, kept[1:]):
        print(f"checkpoint {b} (entry {seq_b}) extends checkpoint {a} (entry {seq_a})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
