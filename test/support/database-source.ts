/**
 * Chooses the Postgres the tests run against, in this order:
 *   1. TEST_DATABASE_URL (a server you run; the URL's role must be able to create databases),
 *   2. a testcontainers Postgres, when a container runtime answers,
 *   3. an embedded PGlite database (no server needed; a few multi-session tests are skipped there).
 * Whatever the choice, the stub auth schema is applied first and the migrations after it, into
 * templates from which every test file gets a database of its own.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { BUNDLED_MIGRATIONS, STUB_AUTH_SQL } from "../../src/generated/sql.js";
import { migrate } from "../../src/migrations/runner.js";

export type DatabaseSource =
  | {
      kind: "server";
      description: string;
      adminUrl: string;
      migratedTemplate: string;
      stubTemplate: string;
    }
  | {
      kind: "embedded";
      description: string;
      migratedDump: string;
      stubDump: string;
    };

export interface PreparedSource {
  source: DatabaseSource;
  teardown: () => Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

const sqlFingerprint = createHash("sha256")
  .update(STUB_AUTH_SQL)
  .update(BUNDLED_MIGRATIONS.map((m) => m.checksum).join(","))
  .digest("hex")
  .slice(0, 10);

/** Databases left behind by runs that were killed: their name carries the pid of a dead process. */
async function dropStaleDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname ~ '^vsam_[a-z]+_[0-9]+_'");
  for (const { datname } of rows) {
    const pid = Number(datname.split("_")[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) {
      await admin.query(`alter database ${datname} with is_template false`).catch(() => undefined);
      await admin.query(`drop database if exists ${datname} with (force)`).catch(() => undefined);
    }
  }
}

async function buildServerTemplates(adminUrl: string): Promise<{ migratedTemplate: string; stubTemplate: string }> {
  // Unique per run: several runs (Node versions, developers) may share one server.
  const suffix = `${process.pid}_${sqlFingerprint}_${Math.random().toString(36).slice(2, 8)}`;
  const stubTemplate = `vsam_stub_${suffix}`;
  const migratedTemplate = `vsam_migrated_${suffix}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await dropStaleDatabases(admin);
    for (const name of [stubTemplate, migratedTemplate]) {
      await admin.query(`create database ${name}`);
      const client = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
      await client.connect();
      try {
        await client.query(STUB_AUTH_SQL);
        if (name === migratedTemplate) await migrate({ client });
      } finally {
        await client.end();
      }
      await admin.query(`alter database ${name} with is_template true`);
    }
  } finally {
    await admin.end();
  }
  return { migratedTemplate, stubTemplate };
}

async function dropServerTemplates(adminUrl: string, names: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const name of names) {
      await admin.query(`alter database ${name} with is_template false`).catch(() => undefined);
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await admin.end();
  }
}

async function tryTestcontainers(): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  if (process.env.TEST_SKIP_CONTAINERS === "1") return undefined;
  let tc: typeof import("testcontainers");
  try {
    tc = await import("testcontainers");
    await tc.getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const container = await new tc.GenericContainer("postgres:15")
    .withEnvironment({ POSTGRES_PASSWORD: "postgres" })
    .withExposedPorts(5432)
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const url = `postgresql://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  return { url, stop: async () => void (await container.stop()) };
}

async function buildEmbeddedDumps(): Promise<{ migratedDump: string; stubDump: string; dir: string }> {
  const { PGlite } = await import("@electric-sql/pglite");
  const dir = await mkdtemp(join(tmpdir(), "vsam-pglite-"));
  const db = await PGlite.create();
  try {
    await db.exec(STUB_AUTH_SQL);
    const stubDump = join(dir, "stub.tar");
    await writeFile(stubDump, Buffer.from(await (await db.dumpDataDir("none")).arrayBuffer()));
    await migrate({ pglite: db });
    const migratedDump = join(dir, "migrated.tar");
    await writeFile(migratedDump, Buffer.from(await (await db.dumpDataDir("none")).arrayBuffer()));
    return { migratedDump, stubDump, dir };
  } finally {
    await db.close();
  }
}

export async function prepareDatabaseSource(): Promise<PreparedSource> {
  const explicit = process.env.TEST_DATABASE_URL;
  if (explicit) {
    const templates = await buildServerTemplates(explicit);
    return {
      source: { kind: "server", description: `TEST_DATABASE_URL (${redact(explicit)})`, adminUrl: explicit, ...templates },
      teardown: () => dropServerTemplates(explicit, [templates.migratedTemplate, templates.stubTemplate]),
    };
  }
  const container = await tryTestcontainers();
  if (container) {
    const templates = await buildServerTemplates(container.url);
    return {
      source: { kind: "server", description: `testcontainers postgres:15 (${redact(container.url)})`, adminUrl: container.url, ...templates },
      teardown: container.stop,
    };
  }
  const dumps = await buildEmbeddedDumps();
  return {
    source: {
      kind: "embedded",
      description: "embedded PGlite (no TEST_DATABASE_URL and no container runtime); multi-session tests are skipped",
      migratedDump: dumps.migratedDump,
      stubDump: dumps.stubDump,
    },
    teardown: () => rm(dumps.dir, { recursive: true, force: true }),
  };
}
