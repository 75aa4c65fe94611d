"""The model of the README's Django recipe: a stored tsvector with a GIN index for ranked
search of short rows, and zhpolicy's text index on the body for exact substring search
(body__contains) in rows of any length."""
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Article(models.Model):
    kind = models.CharField(max_length=8)          # 'row' (a sentence) or 'doc' (a whole document)
    body = models.TextField()
    tsv = SearchVectorField(null=True)             # to_tsvector('zhpolicy', body), kept by the app

    class Meta:
        indexes = [
            GinIndex(fields=['tsv'], name='article_tsv_gin'),
            # zhpolicy's text index: body LIKE '%q%' (Django's body__contains) uses it
            GinIndex(fields=['body'], name='article_body_text', opclasses=['zhpolicy.gin_bigram_ops']),
            # body__icontains needs an index on UPPER(body): see migrations/0001_initial.py
        ]
