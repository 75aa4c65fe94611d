"""The search calls of the README's Django recipe, in one place."""
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, FloatField, Func, Q, TextField
from django.db.models.expressions import RawSQL

CONFIG = 'zhpolicy'


class ZhTsvector(Func):
    """zhpolicy.tsvector(body): the same tsvector as to_tsvector('zhpolicy', body), faster."""
    function = 'zhpolicy.tsvector'
    output_field = TextField()


def query(q, search_type='websearch'):
    """A SearchQuery that finds what LIKE finds: websearch (or phrase, or raw) -- never the
    default 'plain', which ANDs the characters of the query."""
    return SearchQuery(q, config=CONFIG, search_type=search_type)


def index_tsv(queryset):
    """Fill the tsv column (e.g. after saving rows); a trigger or a generated column also works."""
    return queryset.update(tsv=SearchVector('body', config=CONFIG))


def search(queryset, q):
    """Ranked search of short rows through the tsvector's GIN index, with highlighted snippets."""
    sq = query(q)
    return (queryset.filter(tsv=sq)
            .annotate(rank=SearchRank(F('tsv'), sq),
                      snippet=SearchHeadline('body', sq, config=CONFIG))
            .order_by('-rank', 'id'))


class ZhRank(Func):
    """zhpolicy.rank(body, query): BM25 over the exact occurrences of the query's phrases (words
    above characters, the first line boosted), on rows of any length."""
    function = 'zhpolicy.rank'
    output_field = FloatField()


def rank_query(queryset, q):
    """The query with the table's statistics (df of each phrase through the text index, row count,
    mean length), as an uncorrelated subquery: PostgreSQL computes it once, not once a row."""
    table = queryset.model._meta.db_table
    return RawSQL("(SELECT zhpolicy.rank_query(%s, %s::regclass, 'body'))", (q, table))


def ranked(queryset, q):
    """Whole documents that hold a phrase of q (space-separated; exact, through the text index),
    best first by zhpolicy.rank."""
    phrases = [p for p in q.split() if p]
    match = Q()
    for p in phrases:
        match |= Q(body__contains=p)
    return (queryset.filter(match)
            .annotate(rank=ZhRank(F('body'), rank_query(queryset, q)))
            .order_by('-rank', 'id'))


def contains(queryset, q):
    """Exact substring search in rows of any length through zhpolicy's text index."""
    return queryset.filter(body__contains=q)
