// The node-postgres example of the README ("Using it from applications"), as checked by hand:
//   npm install pg && PGHOST=... PGDATABASE=... node search.js
// against the table `article` of the README's "Using it" (with the text index of "Using it from
// applications"); not run by make test, which does not reach the npm registry.
const { Pool } = require('pg');
const pool = new Pool();   // PGHOST, PGPORT, PGDATABASE, PGUSER

// use: ranked search of rows, the query as a parameter
async function search(q) {
  const { rows } = await pool.query(
    `SELECT id, ts_rank(tsv, query) AS rank, ts_headline('zhpolicy', body, query) AS snippet
       FROM article, websearch_to_tsquery('zhpolicy', $1) query
      WHERE tsv @@ query ORDER BY rank DESC LIMIT 10`, [q]);
  return rows;
}

// use: exact substring in rows of any length, through the text index (no escaping needed)
async function contains(q) {
  const { rows } = await pool.query(`SELECT id FROM article WHERE body OPERATOR(zhpolicy.&@) $1`, [q]);
  return rows.map(r => r.id);
}

// avoid: plainto_tsquery ANDs the characters of the query
async function plain(q) {
  const { rows } = await pool.query(`SELECT id FROM article WHERE tsv @@ plainto_tsquery('zhpolicy', $1)`, [q]);
  return rows.map(r => r.id);
}

(async () => {
  console.log(await search('命运共同体'));
  console.log('contains 共同体:', await contains('共同体'), 'plainto_tsquery 共同体:', await plain('共同体'));
  await pool.end();
})();
