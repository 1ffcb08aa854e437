// `allies db push` from the team server (issue 16 item 3, "the same from the API's team mode"):
// an admin pushes the evidence (and, without evidence_only, the ledgers under the published
// judgment set) into a schema of the team's PostgreSQL server; the push is in the audit trail;
// a team on PGlite gets 409 saying what to do; below admin, 403 (the authorization matrix in
// authz.test.ts covers every role).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/interfaces/api/app.ts';
import { dropSchema, openDb } from '../../src/team/db.ts';
import type { Db } from '../../src/team/db.ts';
import { skipPostgres, testDatabaseUrl } from '../support/postgres.ts';
import type { TeamClient } from './support.ts';
import { ADMIN, leaksNothing, sharedEvidence, teamWithRoles } from './support.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('db push from the team server', () => {
  it('a team on the embedded database is told to use PostgreSQL (409), nothing else written', async () => {
    const db = await openDb({ dir: ':memory:' });
    try {
      const { dir, evidence } = await sharedEvidence();
      const app = await createApp({ evidenceDir: dir, evidence, dashboardDir: null, team: { db, admin: ADMIN } });
      const roles = await teamWithRoles(app, 1);
      const r = await roles.admin.call<Obj>('POST', '/api/team/evidence/push', { evidence_only: true });
      expect(r.status).toBe(409);
      expect(r.body.field).toBe('schema');
      expect(r.body.message).toMatch(/DATABASE_URL/);
      expect(leaksNothing(r.body)).toBe(true);
      expect((await roles.editor.call('POST', '/api/team/evidence/push', {})).status).toBe(403);
      const bad = await roles.admin.call<Obj>('POST', '/api/team/evidence/push', { schema: 'Robert; drop table x' });
      expect(bad.status).toBe(400);
    } finally {
      await db.close();
    }
  }, 120_000);

  describe.skipIf(skipPostgres)('on PostgreSQL', () => {
    const teamSchema = `team_test_${randomBytes(6).toString('hex')}`;
    const target = `push_team_${randomBytes(6).toString('hex')}`;
    let db: Db;
    let admin: TeamClient;

    beforeAll(async () => {
      db = await openDb({ url: testDatabaseUrl!, schema: teamSchema });
      const { dir, evidence } = await sharedEvidence();
      const app = await createApp({ evidenceDir: dir, evidence, dashboardDir: null, team: { db, admin: ADMIN, pushUrl: testDatabaseUrl! } });
      ({ admin } = await teamWithRoles(app, 1));
    }, 120_000);

    afterAll(async () => {
      await db?.close();
      await dropSchema(testDatabaseUrl!, teamSchema);
      await dropSchema(testDatabaseUrl!, target);
    });

    it('pushes the evidence into the schema asked for, and says so in the audit trail', async () => {
      const r = await admin.call<Obj>('POST', '/api/team/evidence/push', { schema: target, evidence_only: true, reason: 'for the analysts\' own queries' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.schema).toBe(target);
      expect(r.body.tables).toBeGreaterThan(20);
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      try {
        const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM ${target}.countries`)).rows as { n: number }[];
        expect(n).toBeGreaterThan(150);
        const [{ c }] = (await client.query(`SELECT count(*)::int AS c FROM ${target}.observations WHERE country = 'JPN' AND indicator = 'milex_share_gdp'`)).rows as { c: number }[];
        expect(c).toBeGreaterThan(10);
      } finally {
        await client.end();
      }
      const audit = await admin.call<Obj>('GET', '/api/team/audit?entity=database');
      expect(audit.status).toBe(200);
      expect(audit.body.entries[0]).toMatchObject({ action: 'push', entity: 'database', entity_id: target, reason: 'for the analysts\' own queries' });
      expect(audit.body.entries[0].after.rows).toBe(r.body.rows);
      // The team's own schema is not a push target.
      const own = await admin.call<Obj>('POST', '/api/team/evidence/push', { schema: 'team_mine', evidence_only: true });
      expect(own.status).toBe(400);
    }, 300_000);
  });
});
