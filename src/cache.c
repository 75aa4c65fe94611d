/*
 * cache.c — the backend's caches of the extension's tables, and how they are read.
 *
 * Two caches (the user words, the tagging vocabulary; ranking statistics may
 * follow) are built from tables of schema zhpolicy and kept until a statement
 * trigger on one of them sends a relcache invalidation.  They share one way of
 * knowing they are stale (ZpTableCache, one relcache callback for all) and one
 * way of being read: as the owner of the table, with search_path fixed to
 * pg_catalog, pg_temp and in a security-restricted operation, as PostgreSQL
 * does for index expressions.  So what a role sees never depends on its own
 * grants or search_path: an application role whose search_path puts its own
 * objects first, or that was never granted USAGE on the schema, segments and
 * tags exactly as the owner does, and nothing it defines is ever called.
 *
 * On a Citus cluster the dictionary and vocabulary tables are reference tables
 * (zhpolicy.citus_distribute()): every node holds a full copy, in a shard
 * relation whose OID is not the table's.  Two things keep the caches right
 * there: the statement triggers name the table whose cache they invalidate
 * (trigger argument), so a trigger firing on a shard invalidates the cache of
 * the table, not of the shard; and the read below lets Citus run its query on
 * the local copy of the reference table even inside a task that a distributed
 * query pushed down to this node (Citus refuses nested distributed execution
 * by default, because a distributed table's shards may move; a reference
 * table's local copy does not).
 */
#include "zhpolicy.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#define MAX_TABLE_CACHES 8

/* The registered caches (process-wide, set up in _PG_init; the entries are static structs). */
static ZpTableCache *table_caches[MAX_TABLE_CACHES];
static int	n_table_caches = 0;

/* Relcache callback: mark stale every cache built from the invalidated table (or all). */
static void
table_cache_invalidated(Datum arg, Oid relid)
{
	int			i;

	for (i = 0; i < n_table_caches; i++)
		if (relid == InvalidOid || relid == table_caches[i]->relid)
			table_caches[i]->stale = true;
}

/* Register a cache (from _PG_init); the first registration installs the callback. */
void
zhpolicy_cache_register(ZpTableCache *cache)
{
	if (n_table_caches == 0)
		CacheRegisterRelcacheCallback(table_cache_invalidated, (Datum) 0);
	if (n_table_caches >= MAX_TABLE_CACHES)
		elog(ERROR, "too many zhpolicy caches");
	cache->stale = true;
	cache->relid = InvalidOid;
	table_caches[n_table_caches++] = cache;
}

/*
 * Does the cache need rebuilding?  If so, clear the flag first (an
 * invalidation that arrives while rebuilding marks it stale again) and look up
 * the table again (it is InvalidOid when the extension is not installed here).
 */
bool
zhpolicy_cache_needs_load(ZpTableCache *cache)
{
	Oid			nsp;

	if (!cache->stale)
		return false;
	cache->stale = false;
	nsp = get_namespace_oid("zhpolicy", true);
	cache->relid = OidIsValid(nsp) ? get_relname_relid(cache->relname, nsp) : InvalidOid;
	return true;
}

/* The owner of a relation. */
static Oid
relation_owner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("zhpolicy table with OID %u does not exist", relid),
				 errhint("Reinstall the extension: DROP EXTENSION zhpolicy; CREATE EXTENSION zhpolicy;")));
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Become the owner of the extension's table relid, with a fixed search_path,
 * until zhpolicy_owner_read_end.  An error in between needs no cleanup: the
 * (sub)transaction abort restores the user and the settings.
 */
void
zhpolicy_owner_read_begin(Oid relid, ZpOwnerRead *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	SetUserIdAndSecContext(relation_owner(relid),
						   saved->sec_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	saved->guc_nest_level = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	/* on a Citus node: read the local copy of the reference tables from inside a pushed-down task */
	if (GetConfigOption("citus.allow_nested_distributed_execution", true, false) != NULL)
		(void) set_config_option("citus.allow_nested_distributed_execution", "on", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

/* Back to the caller's role and settings. */
void
zhpolicy_owner_read_end(ZpOwnerRead *saved)
{
	AtEOXact_GUC(false, saved->guc_nest_level);
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}
