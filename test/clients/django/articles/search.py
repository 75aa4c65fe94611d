"""The search calls of the README's Django recipe, in one place."""
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, Func, TextField

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


# TODO(issue 18 part 1): zhpolicy.rank has not landed on main yet.  When it has, rank with it:
#   class ZhRank(Func):
#       function = 'zhpolicy.rank'
#       output_field = FloatField()
#   .annotate(rank=ZhRank(<its arguments>))
# and add it to check.py's ranking checks.
ZhRank = None


def contains(queryset, q):
    """Exact substring search in rows of any length through zhpolicy's text index."""
    return queryset.filter(body__contains=q)
