# Synthetic long policy documents: recombine sentences of test/corpus + UD GSDSimp dev (seed 42),
# with ~35% of multi-char words swapped for a same-length jieba dictionary word (freq^0.5-weighted),
# because the sentence pool is only ~55k chars (pure recombination => every doc contains every sentence).
import random, re, sys, glob, bisect, json
rng = random.Random(42)
TARGET = int(sys.argv[1]) if len(sys.argv) > 1 else 80_000_000   # bytes
SUBST = float(sys.argv[2]) if len(sys.argv) > 2 else 0.35
out = sys.argv[3] if len(sys.argv) > 3 else 'docs.tsv'
han = re.compile(r'^[\u4e00-\u9fff]+$')
words = {}
bylen = {}
for line in open('/usr/lib/python3/dist-packages/jieba/dict.txt', encoding='utf-8'):
    p = line.split()
    if len(p) < 2: continue
    w, f = p[0], int(p[1])
    words[w] = f
    if han.match(w) and 2 <= len(w) <= 4:
        bylen.setdefault(len(w), []).append((w, f ** 0.5))
cum = {}
for n, lst in bylen.items():
    c, acc = [], 0.0
    for w, f in lst:
        acc += f; c.append(acc)
    cum[n] = ([w for w, _ in lst], c)
maxw = 6
def fmm(s):
    out, i = [], 0
    while i < len(s):
        for k in range(min(maxw, len(s) - i), 0, -1):
            if k == 1 or s[i:i+k] in words:
                out.append(s[i:i+k]); i += k; break
    return out
pool = []
for line in open('/work/shared/gold/gsdsimp-dev.seg.utf8', encoding='utf-8'):
    w = line.split()
    if w: pool.append(w)
txt = ''.join(''.join(open(f, encoding='utf-8').read().split()) for f in sorted(glob.glob('/work/main/test/corpus/*')))
for s in re.split(r'(?<=[。！？；])', txt):
    if len(s) >= 4: pool.append(fmm(s))
def sentence():
    ws = rng.choice(pool)
    res = []
    for w in ws:
        if len(w) in cum and han.match(w) and rng.random() < SUBST:
            lst, c = cum[len(w)]
            w = lst[bisect.bisect(c, rng.random() * c[-1])]
        res.append(w)
    return ''.join(res)
def doc(nchars):
    parts, n, k = [], 0, 0
    while n < nchars:
        s = sentence(); parts.append(s); n += len(s); k += 1
        if k % rng.randint(3, 8) == 0: parts.append('\n'); n += 1
    return ''.join(parts)[:nchars]
total, i = 0, 0
with open(out, 'w', encoding='utf-8') as f:
    lens = [1_000_000] * 3   # three very long rows
    while total < TARGET:
        L = lens.pop() if lens else int(20000 * 10 ** rng.uniform(0, 1))   # log-uniform 20k..200k chars
        d = doc(L)
        i += 1
        f.write('%d\t%s\n' % (i, d.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t')))
        total += len(d.encode())
print(i, 'docs', total, 'bytes', file=sys.stderr)
