#!/usr/bin/env python3
"""Corpus and queries for `make bench-scale` and the whole-document part of `make bench-search`.

Sentences come from real text: the policy articles of test/corpus and the 500 sentences of the
UD Chinese GSDSimp dev set in test/gold (CC BY-SA 4.0, "UD_Chinese-GSDSimp, Universal
Dependencies"; see test/gold/README.md).  That pool is only about 1,500 sentences (some 70,000
characters), so plain recombination into 100 MB would repeat every sentence in every long row and
make every query match almost every row.  Each emitted sentence therefore keeps its structure but
has a share of its 2-4-character Han words (SUBST, default 0.35) replaced by a word of the same
length from the jieba frequency list that Debian's python3-jieba ships (weighted by frequency^0.5),
as the index study did (test/bench/index_study/gen.py).  Words of the articles are found by forward
maximum matching against that list; the dev set's words are its gold segmentation.

Rows: lengths drawn log-uniform between MIN_CHARS and MAX_CHARS (default 1,000-200,000
characters; about 43% of the rows are over 20,000), paragraphs of 3-8 sentences.  Output: a
COPY text file `id<TAB>body`, and a query file `qid<TAB>kind<TAB>q`: NWORDS words of 2-4 Han
characters (a jieba dictionary word found at a random offset of a random row) and NPHRASES
phrases of 5-8 Han characters cut at random offsets, from a seeded sample of the rows.
Everything depends on SEED only, so the same arguments give the same files.

usage: gen_corpus.py --mb 100 --out docs.tsv --queries queries.tsv
         [--seed 17] [--min-chars 1000] [--max-chars 200000] [--subst 0.35]
         [--words 60] [--phrases 40] [--root REPO] [--dict .../jieba/dict.txt]
"""
import argparse
import bisect
import glob
import math
import os
import random
import re
import sys

HAN = re.compile(r'^[\u4e00-\u9fff]+$')
HAN_CHAR = re.compile(r'[\u4e00-\u9fff]')


def load_dict(path):
    """jieba's dict.txt: every word, and the 2-4-character Han words by length with weights."""
    words = set()
    bylen = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            p = line.split()
            if len(p) < 2:
                continue
            w, freq = p[0], int(p[1])
            words.add(w)
            if 2 <= len(w) <= 4 and HAN.match(w):
                bylen.setdefault(len(w), []).append((w, freq ** 0.5))
    cum = {}
    for n, lst in bylen.items():
        acc, c = 0.0, []
        for _, wt in lst:
            acc += wt
            c.append(acc)
        cum[n] = ([w for w, _ in lst], c)
    return words, cum


def fmm(s, words, maxw=6):
    """Forward maximum matching: the longest dictionary word at each offset (else one char)."""
    out, i = [], 0
    while i < len(s):
        for k in range(min(maxw, len(s) - i), 0, -1):
            if k == 1 or s[i:i + k] in words:
                out.append(s[i:i + k])
                i += k
                break
    return out


def article_text(path):
    """The prose of one corpus article: no front matter, headings, images or URLs; line breaks
    of the PDF/HTML layout removed between Chinese characters."""
    txt = open(path, encoding='utf-8').read()
    if txt.startswith('---'):
        end = txt.find('\n---', 3)
        if end > 0:
            txt = txt[end + 4:]
    keep = []
    for line in txt.split('\n'):
        line = line.strip()
        if not line or line.startswith('#') or line.startswith('!['):
            continue
        line = re.sub(r'https?://\S+', '', line)
        keep.append(line)
    txt = ' '.join(keep)
    # whitespace next to a non-ASCII character is layout, not text
    txt = re.sub(r'\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+', '', txt)
    return re.sub(r'\s+', ' ', txt)


def sentence_pool(root, words):
    """[(words of one real sentence)]: the corpus articles (FMM) and the gold dev set."""
    pool = []
    for path in sorted(glob.glob(os.path.join(root, 'test/corpus/*.txt'))):
        for s in re.split(r'(?<=[。！？；])', article_text(path)):
            s = s.strip()
            if len(s) >= 4 and HAN_CHAR.search(s):
                pool.append(fmm(s, words))
    with open(os.path.join(root, 'test/gold/gsdsimp-dev.seg.utf8'), encoding='utf-8') as f:
        for line in f:
            ws = line.split()
            if not ws:
                continue
            # rejoin: a space stays only between two Latin/digit words
            out = [ws[0]]
            for w in ws[1:]:
                if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and w[:1].isascii() and w[:1].isalnum():
                    out.append(' ')
                out.append(w)
            pool.append(out)
    return pool


class Generator:
    """Rows of recombined sentences with word swaps, from one seeded random generator."""

    def __init__(self, pool, cum, subst, rng):
        self.cum, self.subst, self.rng = cum, subst, rng
        # per sentence: its words, and which of them may be swapped (2-4 Han characters)
        self.pool = [(ws, [i for i, w in enumerate(ws) if len(w) in cum and HAN.match(w)]) for ws in pool]

    def sentence(self):
        rng = self.rng
        ws, swappable = rng.choice(self.pool)
        if not swappable:
            return ''.join(ws)
        ws = list(ws)
        for i in swappable:
            if rng.random() < self.subst:
                lst, c = self.cum[len(ws[i])]
                ws[i] = lst[min(bisect.bisect(c, rng.random() * c[-1]), len(lst) - 1)]
        return ''.join(ws)

    def row(self, nchars):
        rng = self.rng
        parts, n, k, para = [], 0, 0, rng.randint(3, 8)
        while n < nchars:
            s = self.sentence()
            parts.append(s)
            n += len(s)
            k += 1
            if k == para:
                parts.append('\n')
                n += 1
                k, para = 0, rng.randint(3, 8)
        return ''.join(parts)[:nchars].rstrip('\n')


def copy_escape(s):
    return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')


def cut_queries(sample, words, nwords, nphrases, rng):
    """NWORDS dictionary words of 2-4 Han chars and NPHRASES Han substrings of 5-8, distinct."""
    seen, out = set(), []

    def add(kind, q):
        if q not in seen:
            seen.add(q)
            out.append((kind, q))
            return True
        return False

    tries = 0
    while sum(1 for k, _ in out if k == 'word') < nwords:
        tries += 1
        if tries > 1_000_000:
            sys.exit('gen_corpus: could not cut enough word queries')
        d = rng.choice(sample)
        o = rng.randrange(0, max(len(d) - 4, 1))
        cands = [d[o:o + n] for n in (2, 3, 4) if HAN.match(d[o:o + n]) and d[o:o + n] in words]
        if cands:
            add('word', rng.choice(cands))
    while sum(1 for k, _ in out if k == 'phrase') < nphrases:
        tries += 1
        if tries > 2_000_000:
            sys.exit('gen_corpus: could not cut enough phrase queries')
        d = rng.choice(sample)
        n = rng.randint(5, 8)
        o = rng.randrange(0, max(len(d) - n, 1))
        s = d[o:o + n]
        if len(s) == n and HAN.match(s):
            add('phrase', s)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--root', default=os.path.normpath(os.path.join(here, '../../..')))
    ap.add_argument('--dict', default='/usr/lib/python3/dist-packages/jieba/dict.txt')
    ap.add_argument('--mb', type=float, default=100, help='size of the text in MB (10^6 bytes of UTF-8)')
    ap.add_argument('--seed', type=int, default=17)
    ap.add_argument('--min-chars', type=int, default=1000)
    ap.add_argument('--max-chars', type=int, default=200000)
    ap.add_argument('--subst', type=float, default=0.35)
    ap.add_argument('--words', type=int, default=60)
    ap.add_argument('--phrases', type=int, default=40)
    ap.add_argument('--out', required=True)
    ap.add_argument('--queries', required=True)
    a = ap.parse_args()
    if not (0 < a.min_chars <= a.max_chars):
        sys.exit('gen_corpus: need 0 < --min-chars <= --max-chars')

    words, cum = load_dict(a.dict)
    pool = sentence_pool(a.root, words)
    rng = random.Random(a.seed)
    qrng = random.Random(a.seed * 1000003 + 1)   # the sample of rows to cut queries from
    gen = Generator(pool, cum, a.subst, rng)
    target = int(a.mb * 1_000_000)
    total, nrows, over20k = 0, 0, 0
    sample, k = [], 64                            # reservoir sample of k rows
    lo, hi = math.log(a.min_chars), math.log(a.max_chars)
    with open(a.out, 'w', encoding='utf-8') as f:
        while total < target:
            nchars = int(math.exp(rng.uniform(lo, hi)))
            body = gen.row(nchars)
            nrows += 1
            over20k += len(body) > 20000
            f.write('%d\t%s\n' % (nrows, copy_escape(body)))
            total += len(body.encode('utf-8'))
            if len(sample) < k:
                sample.append(body)
            else:
                j = qrng.randrange(nrows)
                if j < k:
                    sample[j] = body
    qs = cut_queries(sample, words, a.words, a.phrases, qrng)
    with open(a.queries, 'w', encoding='utf-8') as f:
        for i, (kind, q) in enumerate(qs, 1):
            f.write('%d\t%s\t%s\n' % (i, kind, q))
    print('gen_corpus: %d rows, %d bytes, %d rows over 20,000 characters, %d sentences in the pool, '
          '%d queries (seed %d)' % (nrows, total, over20k, len(pool), len(qs), a.seed), file=sys.stderr)


if __name__ == '__main__':
    main()
