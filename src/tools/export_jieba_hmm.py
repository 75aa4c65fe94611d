#!/usr/bin/python3
"""Export the HMM tables of Debian's python3-jieba (MIT) as the TSV that zp_lexcompile reads.

Usage: export_jieba_hmm.py OUT.tsv
The tables are jieba's character-tagging model (states B, E, M, S).
"""
import sys

try:
    from jieba.finalseg import prob_emit, prob_start, prob_trans
except ImportError:
    sys.exit("export_jieba_hmm.py: python3-jieba is not installed (apt-get install python3-jieba)")

with open(sys.argv[1] + ".tmp", "w", encoding="utf-8") as out:
    out.write("# HMM tables exported from python3-jieba (MIT licence)\n")
    for state, logp in sorted(prob_start.P.items()):
        out.write(f"start {state} {max(logp, -1e30)!r}\n")
    for src, row in sorted(prob_trans.P.items()):
        for dst, logp in sorted(row.items()):
            out.write(f"trans {src} {dst} {logp!r}\n")
    for state, row in sorted(prob_emit.P.items()):
        for ch, logp in sorted(row.items()):
            out.write(f"emit {state} {ord(ch):X} {logp!r}\n")
import os
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
