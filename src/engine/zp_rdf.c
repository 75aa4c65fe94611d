/*
 * zp_rdf.c — RDF documents into triples, through libserd (see zp_rdf.h).
 *
 * serd is fed one byte at a time from the text, so that the number of bytes it
 * has read tells where a triple ends; the line of a triple is the line of the
 * last byte before that point which is not white space (serd reads one byte
 * ahead).  Strings go into one growing block and triples into one growing
 * array, both from the caller's allocator, as offsets until the parse is done.
 */
#include "zp_rdf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <serd/serd.h>

/* A triple while parsing: offsets into the string block (SIZE_MAX for none). */
typedef struct RawTriple
{
	size_t		s,
				p,
				o,
				lang,
				datatype;
	ZpRdfKind	sk,
				ok;
	uint32_t	line;
} RawTriple;

/* The state of one parse. */
typedef struct RdfParse
{
	const char *text;
	size_t		len;
	size_t		pos;			/* bytes handed to serd */
	uint32_t	line;			/* line of pos */
	uint32_t	last_line;		/* line of the last byte handed over that is not white space */
	SerdEnv    *env;
	const ZpAllocator *mem;
	char	   *str;
	size_t		str_len,
				str_cap;
	RawTriple  *raw;
	size_t		n,
				cap;
	int			failed;
	ZpRdfError *err;
} RdfParse;

#define NONE ((size_t) -1)

static void fail(RdfParse *ps, uint32_t line, uint32_t col, const char *fmt,...)
			__attribute__((format(printf, 4, 5)));

/* Record the first error (later ones are consequences). */
static void
fail(RdfParse *ps, uint32_t line, uint32_t col, const char *fmt,...)
{
	va_list		ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	ps->err->line = line;
	ps->err->col = col;
	va_start(ap, fmt);
	vsnprintf(ps->err->message, sizeof(ps->err->message), fmt, ap);
	va_end(ap);
}

/* Grow a buffer from the allocator to hold at least need bytes; 0, or -1 without memory. */
static int
grow(const ZpAllocator *mem, void **buf, size_t *cap, size_t used, size_t need)
{
	size_t		ncap = *cap ? *cap : 256;
	void	   *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = mem->alloc(mem->ctx, ncap);
	if (!n)
		return -1;
	if (*buf)
	{
		memcpy(n, *buf, used);
		mem->release(mem->ctx, *buf);
	}
	*buf = n;
	*cap = ncap;
	return 0;
}

/* Copy a string (with an optional prefix) into the block; its offset, or NONE without memory. */
static size_t
add_string(RdfParse *ps, const char *prefix, const uint8_t *s, size_t len)
{
	size_t		pl = prefix ? strlen(prefix) : 0;
	size_t		off = ps->str_len;

	if (grow(ps->mem, (void **) &ps->str, &ps->str_cap, ps->str_len, ps->str_len + pl + len + 1) != 0)
	{
		fail(ps, ps->last_line, 0, "out of memory");
		return NONE;
	}
	if (pl)
		memcpy(ps->str + off, prefix, pl);
	if (len)
		memcpy(ps->str + off + pl, s, len);
	ps->str[off + pl + len] = '\0';
	ps->str_len += pl + len + 1;
	return off;
}

/* serd's byte source: one byte at a time, counting lines. */
static size_t
read_byte(void *buf, size_t size, size_t nmemb, void *stream)
{
	RdfParse   *ps = stream;
	char		c;

	if (size * nmemb == 0 || ps->pos >= ps->len)
		return 0;
	c = ps->text[ps->pos++];
	*(char *) buf = c;
	if (c == '\n')
		ps->line++;
	else if (c != ' ' && c != '\t' && c != '\r')
		ps->last_line = ps->line;
	return 1;
}

/* serd's stream error check: reading a buffer never fails. */
static int
stream_error(void *stream)
{
	(void) stream;
	return 0;
}

/* serd's error sink: keep the first message, with serd's line and column. */
static SerdStatus
on_error(void *handle, const SerdError *e)
{
	RdfParse   *ps = handle;
	char		msg[256];
	va_list		ap;
	size_t		l;

	va_copy(ap, *e->args);
	vsnprintf(msg, sizeof(msg), e->fmt, ap);
	va_end(ap);
	l = strlen(msg);
	while (l > 0 && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
		msg[--l] = '\0';
	fail(ps, e->line, e->col, "%s", msg);
	return SERD_SUCCESS;
}

/* @base */
static SerdStatus
on_base(void *handle, const SerdNode *uri)
{
	RdfParse   *ps = handle;

	return serd_env_set_base_uri(ps->env, uri);
}

/* @prefix */
static SerdStatus
on_prefix(void *handle, const SerdNode *name, const SerdNode *uri)
{
	RdfParse   *ps = handle;

	return serd_env_set_prefix(ps->env, name, uri);
}

/* Store a node as an absolute IRI, a blank node or a literal; its offset, or NONE. */
static size_t
add_node(RdfParse *ps, const SerdNode *node, ZpRdfKind *kind)
{
	SerdNode	full;
	size_t		off;

	switch (node->type)
	{
		case SERD_BLANK:
			*kind = ZP_RDF_BLANK;
			return add_string(ps, "_:", node->buf, node->n_bytes);
		case SERD_LITERAL:
			*kind = ZP_RDF_LITERAL;
			return add_string(ps, NULL, node->buf, node->n_bytes);
		case SERD_URI:
		case SERD_CURIE:
			*kind = ZP_RDF_IRI;
			full = serd_env_expand_node(ps->env, node);
			if (!full.buf)
			{
				if (node->type == SERD_CURIE)
					fail(ps, ps->last_line, 0, "undefined prefix in \"%.*s\"", (int) node->n_bytes, node->buf);
				else
					fail(ps, ps->last_line, 0, "cannot resolve IRI <%.*s>", (int) node->n_bytes, node->buf);
				return NONE;
			}
			off = add_string(ps, NULL, full.buf, full.n_bytes);
			serd_node_free(&full);
			return off;
		default:
			fail(ps, ps->last_line, 0, "unexpected node");
			return NONE;
	}
}

/* serd's statement sink: one triple. */
static SerdStatus
on_statement(void *handle, SerdStatementFlags flags, const SerdNode *graph,
			 const SerdNode *subject, const SerdNode *predicate, const SerdNode *object,
			 const SerdNode *datatype, const SerdNode *lang)
{
	RdfParse   *ps = handle;
	RawTriple	t;
	ZpRdfKind	pk;

	(void) flags;
	(void) graph;
	if (ps->failed)
		return SERD_ERR_UNKNOWN;
	t.line = ps->last_line;
	t.s = add_node(ps, subject, &t.sk);
	t.p = t.s == NONE ? NONE : add_node(ps, predicate, &pk);
	t.o = t.p == NONE ? NONE : add_node(ps, object, &t.ok);
	t.lang = t.datatype = NONE;
	if (t.o != NONE && lang && lang->buf)
		t.lang = add_string(ps, NULL, lang->buf, lang->n_bytes);
	if (t.o != NONE && datatype && datatype->buf)
		t.datatype = add_node(ps, datatype, &pk);
	if (ps->failed)
		return SERD_ERR_UNKNOWN;
	if (grow(ps->mem, (void **) &ps->raw, &ps->cap, ps->n * sizeof(RawTriple), (ps->n + 1) * sizeof(RawTriple)) != 0)
	{
		fail(ps, t.line, 0, "out of memory");
		return SERD_ERR_UNKNOWN;
	}
	ps->raw[ps->n++] = t;
	return SERD_SUCCESS;
}

/* Free the buffers of a parse. */
static void
release_parse(RdfParse *ps)
{
	if (ps->str)
		ps->mem->release(ps->mem->ctx, ps->str);
	if (ps->raw)
		ps->mem->release(ps->mem->ctx, ps->raw);
	ps->str = NULL;
	ps->raw = NULL;
}

int
zp_rdf_parse(const char *text, size_t len, ZpRdfSyntax syntax, const char *base,
			 ZpTriples *out, ZpRdfError *err, const ZpAllocator *mem)
{
	RdfParse	ps;
	SerdReader *reader;
	SerdNode	base_node = SERD_NODE_NULL;
	SerdStatus	st;
	size_t		i;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	memset(&ps, 0, sizeof(ps));
	ps.text = text;
	ps.len = len;
	ps.line = ps.last_line = 1;
	ps.mem = mem;
	ps.err = err;
	if (len > ZP_RDF_MAX_BYTES)
	{
		fail(&ps, 0, 0, "the document is larger than %zu MB", ZP_RDF_MAX_BYTES / (1024 * 1024));
		return -1;
	}
	if (base)
		base_node = serd_node_from_string(SERD_URI, (const uint8_t *) base);
	ps.env = serd_env_new(base ? &base_node : NULL);
	if (!ps.env)
	{
		fail(&ps, 0, 0, "out of memory");
		return -1;
	}
	reader = serd_reader_new(syntax == ZP_RDF_NTRIPLES ? SERD_NTRIPLES : SERD_TURTLE, &ps, NULL,
							 on_base, on_prefix, on_statement, NULL);
	if (!reader)
	{
		serd_env_free(ps.env);
		fail(&ps, 0, 0, "out of memory");
		return -1;
	}
	serd_reader_set_strict(reader, true);
	serd_reader_set_error_sink(reader, on_error, &ps);
	st = serd_reader_start_source_stream(reader, read_byte, stream_error, &ps, (const uint8_t *) "input", 1);
	while (st == SERD_SUCCESS && !ps.failed)
		st = serd_reader_read_chunk(reader);
	if (st > SERD_FAILURE && !ps.failed)
		fail(&ps, ps.last_line, 0, "%s", (const char *) serd_strerror(st));
	serd_reader_end_stream(reader);
	serd_reader_free(reader);
	serd_env_free(ps.env);
	if (ps.failed)
	{
		release_parse(&ps);
		return -1;
	}

	/* offsets to pointers */
	out->triples = mem->alloc(mem->ctx, (ps.n ? ps.n : 1) * sizeof(ZpTriple));
	if (!out->triples)
	{
		release_parse(&ps);
		fail(&ps, 0, 0, "out of memory");
		return -1;
	}
	if (!ps.str && add_string(&ps, NULL, NULL, 0) == NONE)
	{
		mem->release(mem->ctx, out->triples);
		out->triples = NULL;
		release_parse(&ps);
		return -1;
	}
	for (i = 0; i < ps.n; i++)
	{
		const RawTriple *r = &ps.raw[i];
		ZpTriple   *t = &out->triples[i];

		t->subject = ps.str + r->s;
		t->predicate = ps.str + r->p;
		t->object = ps.str + r->o;
		t->lang = r->lang == NONE ? NULL : ps.str + r->lang;
		t->datatype = r->datatype == NONE ? NULL : ps.str + r->datatype;
		t->subject_kind = r->sk;
		t->object_kind = r->ok;
		t->line = r->line;
	}
	out->n = ps.n;
	out->strings = ps.str;
	if (ps.raw)
		mem->release(mem->ctx, ps.raw);
	return 0;
}

void
zp_rdf_free(ZpTriples *t, const ZpAllocator *mem)
{
	if (t->triples)
		mem->release(mem->ctx, t->triples);
	if (t->strings)
		mem->release(mem->ctx, t->strings);
	memset(t, 0, sizeof(*t));
}
