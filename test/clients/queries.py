"""Realistic search queries cut from the rows of a table, and the truth for each: strpos.

Shared by the client tests (test/clients/*/) so that every client is measured on the same
kinds of query.  Deterministic: offsets come from hashing, never from a random generator.

make_queries(bodies, t2s) -> list of (kind, query, truth) where truth is the string whose
occurrence (strpos > 0) in fold(body) makes a row a right answer.  Kinds:
  han N      N = 2..8 Chinese characters cut from a row
  mixed      an ASCII word or number with the 1-3 Chinese characters next to it (5G网络, 2023年)
  num tail   the tail of a number with its unit (2月 from 12月, 8日 from 28日)
  punct      2-3 characters, a punctuation mark, 2-3 characters (安全，发展), or a title or
             phrase in its marks (《网络安全法》, “十四五”)
  trad       a han query written in Traditional characters (網絡安全); truth: the Simplified one
  fullwidth  a mixed query with full-width letters and digits (５Ｇ网络); truth: the ASCII one
fold(s) is what the search is allowed to ignore: NFKC, case, Traditional -> Simplified.
"""
import hashlib
import os
import re
import unicodedata

HAN = '\u4e00-\u9fff'
_han_run = re.compile('[%s]+' % HAN)
_mixed = re.compile('(?<![A-Za-z0-9.])(?:[A-Za-z0-9]+[%s]{1,3}|[%s]{1,3}[A-Za-z0-9]+)(?![A-Za-z0-9.])'
                    % (HAN, HAN))
_num_unit = re.compile('(?<![0-9.])([0-9]{2,})([%s])' % HAN)
_punct = re.compile('[%s]{2,3}[，、：；《》“”（）·][%s]{2,3}|《[%s]{2,10}》|“[%s]{2,10}”' % (HAN, HAN, HAN, HAN))


def _h(*parts):
    return int(hashlib.md5(':'.join(map(str, parts)).encode()).hexdigest()[:12], 16)


def fold(s, t2s=None):
    """What a search may ignore: NFKC, case, and Traditional characters (t2s: dict T -> S)."""
    s = unicodedata.normalize('NFKC', s).casefold()
    if t2s:
        s = ''.join(t2s.get(c, c) for c in s)
    return s


def _pick(found, n, salt):
    """n distinct items of found, chosen by hashing (the same every run)."""
    uniq = sorted(set(found))
    uniq.sort(key=lambda x: _h(salt, x))
    return uniq[:n]


def make_queries(bodies, t2s, per_kind=8):
    s2t = {}
    for t, s in sorted(t2s.items()):
        s2t.setdefault(s, t)
    bodies = [b for b in bodies if b]
    out = []
    # han N: a Chinese substring of N characters at a hashed offset of a hashed row
    han = {}
    for n in range(2, 9):
        got, tries = [], 0
        while len(got) < per_kind and tries < 5000:
            tries += 1
            b = bodies[_h('row', n, tries) % len(bodies)]
            runs = [r for r in _han_run.findall(b) if len(r) >= n]
            if not runs:
                continue
            r = runs[_h('run', n, tries) % len(runs)]
            i = _h('off', n, tries) % (len(r) - n + 1)
            q = r[i:i + n]
            if q not in got:
                got.append(q)
        han[n] = got
        out += [('han %d' % n, q, q) for q in got]
    mixed = _pick([m.group(0) for b in bodies for m in _mixed.finditer(b)], 2 * per_kind, 'mixed')
    out += [('mixed', q, q) for q in mixed]
    tails = [m.group(1)[1:] + m.group(2) for b in bodies for m in _num_unit.finditer(b)]
    out += [('num tail', q, q) for q in _pick(tails, per_kind, 'tail')]
    punct = [m.group(0) for b in bodies for m in _punct.finditer(b)]
    out += [('punct', q, q) for q in _pick(punct, per_kind, 'punct')]
    trad = []
    for n in range(2, 9):
        for q in han[n]:
            tq = ''.join(s2t.get(c, c) for c in q)
            if tq != q:
                trad.append((tq, q))
    out += [('trad', tq, q) for tq, q in _pick(trad, per_kind, 'trad')]
    full = [(''.join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in q), q)
            for q in mixed]
    out += [('fullwidth', fq, q) for fq, q in full[:per_kind]]
    return out


# The Traditional -> Simplified map as zhpolicy's dictionary folds it: SELECT t, s pairs.
T2S_SQL = """SELECT chr(c), (ts_lexize('zhpolicy_dict', chr(c)))[1]
             FROM generate_series(x'4e00'::int, x'9fff'::int) c
             WHERE (ts_lexize('zhpolicy_dict', chr(c)))[1] <> chr(c)"""


def corpus_rows(corpus, clean):
    """The test rows: the sentences of the corpus articles after clean (a callable, e.g.
    zhpolicy.clean through the client) and 20 whole documents of 20,000-60,000 characters cut
    from the articles joined (as test/operations/concurrency.sh cuts them)."""
    articles = []
    for name in sorted(os.listdir(corpus)):
        if name.endswith('.txt'):
            with open(os.path.join(corpus, name), encoding='utf-8') as f:
                articles.append(clean(f.read()))
    sentences = [s for a in articles for s in re.split(r'(?<=[。！？；])|\n+', a)
                 if s and re.search('[\u4e00-\u9fa5]', s) and len(s) >= 4]
    joined = '\n'.join(articles)
    docs = []
    for g in range(1, 21):
        start = (g * 7919) % len(joined)
        docs.append((joined * 8)[start:start + 20000 + (g * 1013) % 40000])
    return sentences, docs


def score(results):
    """Recall and precision over all queries: results is a list of (truth set, found set)."""
    tp = sum(len(t & f) for t, f in results)
    return (tp / max(sum(len(t) for t, f in results), 1), tp / max(sum(len(f) for t, f in results), 1))
