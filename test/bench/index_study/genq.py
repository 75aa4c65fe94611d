import random, re
rng = random.Random(7)
docs = [l.rstrip('\n').split('\t', 1)[1].replace('\\n', '\n') for l in open('docs.tsv', encoding='utf-8')]
han = re.compile(r'^[\u4e00-\u9fff]+$')
qs = []
def cut(lo, hi):
    while True:
        d = rng.choice(docs); n = rng.randint(lo, hi); o = rng.randrange(0, len(d) - n)
        s = d[o:o+n]
        if han.match(s): return s
for i in range(60): qs.append(('word', cut(2, 4)))
for i in range(40): qs.append(('phrase', cut(5, 8)))
with open('queries.tsv', 'w', encoding='utf-8') as f:
    for i, (k, q) in enumerate(qs, 1): f.write('%d\t%s\t%s\n' % (i, k, q))
