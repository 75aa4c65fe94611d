#!/usr/bin/python3
"""Score word segmentation against a gold standard (the SIGHAN bakeoff measure).

A predicted word is correct when its start and end character offsets on the
sentence (spaces removed) equal those of a gold word.  Precision = correct /
predicted, recall = correct / gold, F1 their harmonic mean.  OOV recall is the
recall of gold words that are not first-column entries of the word list given
with --lexicon (jieba's dict.txt).

  score_segmentation.py encode GOLD
      print "line-number TAB base64(line)" for each line of GOLD, a form psql's
      \\copy loads whatever the text holds (tabs, backslashes)
  score_segmentation.py score GOLD --lexicon DICT --ts-parse FILE [--engine FILE]
                        [--errors N]
      FILE of --ts-parse: "line-number TAB token-type TAB base64(token)" rows in
      token order, as accuracy.sh gets them from ts_parse().  Types 13 (image)
      and 19 (blob) are not words; each non-space character of a blank token
      (type 12: punctuation) is a predicted one-character word, because gold
      makes each punctuation mark a word of its own and the parser emits a run
      of them as one blank token.  White space inside a token (a bridged PDF
      line wrap) is removed.
      FILE of --engine: the output of `zp_segment LEXICON -w`, a line per
      sentence, tokens separated by spaces; the text between two tokens (blank
      tokens, which -w does not print) gives one-character words, as above.
      --errors N prints the N most frequent differences from gold of the
      ts_parse segmentation, by kind.

Standard library only.
"""

import argparse
import base64
import collections
import sys
import unicodedata

NOT_WORDS = {13, 19}     # image, blob
BLANK = 12
TYPE_NAMES = {0: "engine", 1: "asciiword", 2: "word", 3: "numword", 4: "email", 5: "url",
              6: "host", 7: "num", 8: "quantity", 9: "date", 10: "time", 11: "oov",
              12: "blank", 13: "image", 14: "foreignword", 19: "blob", 20: "int", 21: "docnum"}


def die(msg):
    sys.exit("score_segmentation: " + msg)


def read_gold(path):
    sentences = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            words = line.split(" ")
            if not line or "" in words:
                die("%s:%d: empty line or double space" % (path, n))
            sentences.append(words)
    return sentences


def spans(words):
    """(start, end) character offsets of consecutive words."""
    out, pos = [], 0
    for w in words:
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out


def squeeze(s):
    return "".join(s.split())


def read_ts_parse(path, sentences):
    """Predicted words (text, type) per sentence from ts_parse rows."""
    pred = [[] for _ in sentences]
    with open(path, encoding="utf-8") as f:
        for n, row in enumerate(f, 1):
            try:
                sid, tokid, b64 = row.rstrip("\n").split("\t")
                sid, tokid = int(sid), int(tokid)
                tok = base64.b64decode(b64).decode("utf-8")
            except ValueError as e:
                die("%s:%d: bad row (%s)" % (path, n, e))
            if not 1 <= sid <= len(sentences):
                die("%s:%d: no sentence %d" % (path, n, sid))
            words = pred[sid - 1]
            if tokid == BLANK:
                words.extend((ch, BLANK) for ch in squeeze(tok))
            elif tokid in NOT_WORDS:
                words.extend((ch, tokid) for ch in squeeze(tok))   # kept for alignment only
            elif squeeze(tok):
                words.append((squeeze(tok), tokid))
    for i, words in enumerate(pred):
        text = "".join(w for w, _ in words)
        if text != "".join(sentences[i]):
            die("ts_parse tokens of sentence %d do not spell it: %r" % (i + 1, text))
    return pred


def read_engine(path, sentences):
    """Predicted words per sentence from `zp_segment -w`; gaps are blank tokens."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(sentences):
        die("%s has %d lines for %d sentences (a token across lines?)"
            % (path, len(lines), len(sentences)))
    pred = []
    for i, line in enumerate(lines):
        text = "".join(sentences[i])
        words, pos = [], 0
        for tok in line.split():
            at = text.find(tok, pos)
            if at < 0:
                die("engine token %r not found in sentence %d" % (tok, i + 1))
            words.extend((ch, BLANK) for ch in text[pos:at])
            words.append((tok, 0))
            pos = at + len(tok)
        words.extend((ch, BLANK) for ch in text[pos:])
        pred.append(words)
    return pred


def punct_only(w):
    return all(unicodedata.category(c)[0] in "PS" for c in w)


def score(sentences, pred, lexicon):
    gold_n = pred_n = correct = oov_n = oov_ok = oovw_n = oovw_ok = 0
    for words, pw in zip(sentences, pred):
        gs = spans(words)
        ps = set(s for s, (_, t) in zip(spans([w for w, _ in pw]), pw) if t not in NOT_WORDS)
        gold_n += len(gs)
        pred_n += len(ps)
        for w, s in zip(words, gs):
            hit = s in ps
            correct += hit
            if w not in lexicon:
                oov_n += 1
                oov_ok += hit
                if not punct_only(w):
                    oovw_n += 1
                    oovw_ok += hit
    p = correct / pred_n if pred_n else 0.0
    r = correct / gold_n if gold_n else 0.0
    return {
        "sentences": len(sentences), "gold": gold_n, "pred": pred_n, "correct": correct,
        "p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0,
        "oov": oov_n, "oov_r": oov_ok / oov_n if oov_n else 0.0,
        "oovw": oovw_n, "oovw_r": oovw_ok / oovw_n if oovw_n else 0.0,
    }


def char_class(s):
    if any(unicodedata.category(c)[0] in "PS" for c in s):
        return "punct"
    if any(c.isdigit() for c in s):
        return "digits"
    if any(c.isascii() and c.isalpha() or unicodedata.category(c) == "Lu" for c in s):
        return "latin"
    return "han"


def differences(sentences, pred):
    """Minimal chunks where gold and predicted boundaries disagree."""
    out = []
    for words, pw in zip(sentences, pred):
        gi = pi = 0
        gchunk, pchunk = [], []
        gend = pend = 0
        while gi < len(words) or pi < len(pw):
            if gend <= pend and gi < len(words):
                gchunk.append(words[gi])
                gend += len(words[gi])
                gi += 1
            else:
                pchunk.append(pw[pi])
                pend += len(pw[pi][0])
                pi += 1
            if gend == pend and gchunk and pchunk:
                if len(gchunk) != 1 or len(pchunk) != 1:
                    out.append((tuple(gchunk), tuple(pchunk)))
                gchunk, pchunk = [], []
    return out


def print_errors(sentences, pred, n, lexicon):
    diffs = differences(sentences, pred)
    kinds = collections.Counter()
    by_kind = collections.defaultdict(collections.Counter)
    types = collections.Counter()
    for g, p in diffs:
        if len(g) == 1:
            kind = "split"        # one gold word cut into several predicted words
        elif len(p) == 1:
            kind = "merge"        # several gold words joined into one predicted word
        else:
            kind = "cross"        # boundaries moved
        cls = char_class("".join(g))
        kinds[(kind, cls)] += 1
        for _, t in p:
            types[(kind, t)] += 1
        by_kind[kind][(" ".join(g), " ".join(w for w, _ in p))] += 1
    print()
    print("differences from gold (ts_parse): %d chunks" % len(diffs))
    for k in ["split", "merge", "cross"]:
        print("  %-6s %s" % (k, "  ".join("%s %d" % (c, kinds[(k, c)])
                                        for c in ["han", "digits", "latin", "punct"])))
    print("  predicted token types in them: " + ", ".join(
        "%s %s %d" % (k, TYPE_NAMES.get(t, t), c) for (k, t), c in sorted(types.items(), key=lambda x: -x[1])[:12]))
    for k, title in [("split", "false splits (gold word -> predicted words)"),
                     ("merge", "false merges (gold words -> predicted word)"),
                     ("cross", "crossing boundaries (gold -> predicted)")]:
        print()
        print("%s, %d, most frequent:" % (title, sum(by_kind[k].values())))
        for (g, p), c in by_kind[k].most_common(n):
            oov = " (gold OOV)" if k == "split" and g not in lexicon else ""
            print("  %3d  %s  ->  %s%s" % (c, g, p, oov))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("encode")
    e.add_argument("gold")
    s = sub.add_parser("score")
    s.add_argument("gold")
    s.add_argument("--lexicon", required=True)
    s.add_argument("--ts-parse", required=True)
    s.add_argument("--engine")
    s.add_argument("--errors", type=int, default=0)
    a = ap.parse_args()

    if a.cmd == "encode":
        with open(a.gold, "rb") as f:
            for n, line in enumerate(f, 1):
                print("%d\t%s" % (n, base64.b64encode(line.rstrip(b"\n")).decode("ascii")))
        return

    sentences = read_gold(a.gold)
    with open(a.lexicon, encoding="utf-8") as f:
        lexicon = {line.split(" ", 1)[0].rstrip("\n") for line in f}
    sql_pred = read_ts_parse(a.ts_parse, sentences)
    results = [("ts_parse('zhpolicy', ...)", score(sentences, sql_pred, lexicon))]
    if a.engine:
        eng_pred = read_engine(a.engine, sentences)
        results.append(("zp_segment -w (engine only)", score(sentences, eng_pred, lexicon)))

    r0 = results[0][1]
    print("sentences %d, gold words %d; OOV gold words (not in %s) %d (%.1f%%), "
          "%d of them punctuation, %d not (%.1f%% of gold words)"
          % (r0["sentences"], r0["gold"], a.lexicon.rsplit("/", 1)[-1], r0["oov"],
             100.0 * r0["oov"] / r0["gold"], r0["oov"] - r0["oovw"], r0["oovw"],
             100.0 * r0["oovw"] / r0["gold"]))
    print("%-28s %9s %9s %9s %10s %10s %10s %10s" %
          ("segmenter", "precision", "recall", "F1", "OOV recall", "(no punct)", "predicted", "correct"))
    for name, r in results:
        print("%-28s %9.4f %9.4f %9.4f %10.4f %10.4f %10d %10d" %
              (name, r["p"], r["r"], r["f"], r["oov_r"], r["oovw_r"], r["pred"], r["correct"]))
    if a.engine:
        same = sum(1 for x, y in zip(sql_pred, eng_pred) if [w for w, _ in x] == [w for w, _ in y])
        print("ts_parse and the engine segment %d of %d sentences identically" % (same, len(sentences)))
    if a.errors:
        print_errors(sentences, sql_pred, a.errors, lexicon)

    print()
    print("| test set | sentences | gold words | predicted words | precision | recall | F1 "
          "| OOV recall | OOV recall, punctuation excluded |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("| UD_Chinese-GSDSimp dev | %d | %d | %d | %.4f | %.4f | %.4f | %.4f | %.4f |"
          % (r0["sentences"], r0["gold"], r0["pred"], r0["p"], r0["r"], r0["f"], r0["oov_r"],
             r0["oovw_r"]))


if __name__ == "__main__":
    main()
