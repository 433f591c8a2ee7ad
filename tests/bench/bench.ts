import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LoadResult, LoadSpec } from './loadgen.ts';
import { demoInsuranceRows, freePort, NODE, pinned, prepareDataDir, ROOT, sleep, startServer, touchSession, type SeededInstitution } from './support.ts';
import { frontEndReport, type FrontEndReport } from './frontend.ts';
import { generateScale, scaleSizesFromEnv } from './generate-scale.ts';

/**
 * `npm run bench`: the server, scale and front-end benchmarks against a production build. Prints
 * a table and writes bench-results/<date>.json. See tests/bench/README.md for the design.
 *
 * Environment: BENCH_SECONDS (per load phase, default 10), BENCH_PIN=off (no CPU pinning),
 * BENCH_SKIP=scale,frontend (comma list of sections to leave out), BENCH_SCALE_CONSENTS /
 * BENCH_SCALE_AUDIT (see generate-scale.ts).
 */

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const PIN = process.env.BENCH_PIN !== 'off';
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
/** Server on CPU 0, load generator on CPU 1. */
const SERVER_CPU = PIN ? 0 : null;
const LOAD_CPU = PIN ? 1 : null;
const BATCH_SIZES = [100, 1000, 5000];
const BATCH_REPEATS = 3;
/** The fixed-rate re-query phase (the p99 target is at this rate). */
const REQUERY_RATE = 500;
/**
 * Requests per second the "max" re-query phase is given fresh persons for; beyond that its
 * requests repeat a pair (counted as `reused`, and not the full path). Raise on a fast machine.
 */
const REQUERY_MAX_RATE = Number(process.env.BENCH_REQUERY_MAX_RATE || 1200);

/** 2xx, every one: a fast refusal is not a result. */
const all2xx = (statuses: number[]) => statuses.length > 0 && statuses.every((s) => s >= 200 && s < 300);

/** The re-query phase took the full path on every answer: all 2xx, none repeated a person, every match 'ok'. */
function fullPathOnly(r: LoadResult): boolean {
  return r.non2xx === 0 && r.errors === 0 && (r.reused ?? 1) === 0 && Object.keys(r.otherOutcomes ?? { x: 1 }).length === 0 && (r.fullPath ?? 0) > 0;
}

/**
 * The demo persons' insurance rows, each once: twins without a branch number share one row (Q5),
 * which answers both; sent twice, the second would meet "already queried today".
 */
function distinctRequeryRows() {
  return [...new Map(demoInsuranceRows().map((row) => [JSON.stringify(row), row])).values()];
}

/**
 * Writes the (institution session, person) pairs of one re-query phase to a file for the load
 * generator: each pair is used once, so no request meets "already queried today" (Q2).
 */
function requeryPairs(file: string, institutions: SeededInstitution[]): number {
  const rows = distinctRequeryRows();
  const pairs = institutions.flatMap((inst) => rows.map((row) => ({ cookie: inst.cookie, body: JSON.stringify({ client: 'api', rows: [row] }) })));
  fs.writeFileSync(file, JSON.stringify(pairs));
  return pairs.length;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function runLoad(spec: LoadSpec, cpu: number | null = LOAD_CPU): Promise<LoadResult> {
  const [cmd, args] = pinned(cpu, NODE, [path.join(ROOT, 'tests/bench/loadgen.ts'), JSON.stringify(spec)]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One timed request from this process (the batch is a single request, not a load). */
async function timedPost(url: string, cookie: string, body: unknown): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

const METRICS_TOKEN = 'bench-metrics-token-0001';

/** The server's own counters (/metrics): CPU from process.cpuUsage(), commits, resident memory. */
interface ServerCounters {
  cpuSeconds: number;
  commits: number;
  rssBytes: number;
}

async function serverCounters(url: string): Promise<ServerCounters> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { cpuSeconds: value('process_cpu_seconds_total'), commits: value('zaitaku_db_commits_total'), rssBytes: value('process_resident_memory_bytes') };
}

/** Server CPU (ms) and commits per unit of work between two readings. */
function perUnit(before: ServerCounters, after: ServerCounters, units: number): { cpuMs: number; commits: number } {
  return { cpuMs: ((after.cpuSeconds - before.cpuSeconds) * 1000) / units, commits: (after.commits - before.commits) / units };
}

/** (c) and (d): Hono answering each request after one durable insert, a commit each or grouped. */
async function durableCeiling(work: string, mode: 'plain' | 'group'): Promise<LoadResult> {
  const port = await freePort();
  const dir = path.join(work, `durable-${mode}`);
  const [cmd, args] = pinned(SERVER_CPU, NODE, [path.join(ROOT, 'tests/bench/durable-server.ts'), String(port), dir, mode]);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'ignore' });
  try {
    for (let tries = 0; ; tries++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
      } catch {
        if (tries > 200) throw new Error('the durable-insert server did not start');
      }
      await sleep(50);
    }
    return await runLoad({ scenario: 'hello', url: `http://127.0.0.1:${port}`, connections: 10, durationSeconds: SECONDS });
  } finally {
    child.kill('SIGKILL');
  }
}

interface PostgresProcesses {
  one: LoadResult;
  two: LoadResult[];
  twoPerSecond: number;
  ratio: number;
}

/**
 * Re-query of one person against one PostgreSQL database, served by one process and then by two
 * (the load generator splits its connections between them, as a proxy would). Nothing pinned:
 * PostgreSQL needs the cores too. Skipped without BENCH_DATABASE_URL (any database on the
 * server: the bench makes its own and drops it).
 */
async function postgresProcesses(work: string, baseUrl: string): Promise<PostgresProcesses> {
  const pg = (await import('pg')).default;
  const name = `zaitaku_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  try {
    const dataDir = path.join(work, 'pg');
    const perInstitution = distinctRequeryRows().length;
    const perPhase = Math.ceil((REQUERY_MAX_RATE * SECONDS) / perInstitution);
    log(`PostgreSQL: seeding ${2 * perPhase} institutions`);
    const institutions = await prepareDataDir(dataDir, 2 * perPhase, true, databaseUrl);
    const env = { DATABASE_URL: databaseUrl, METRICS_TOKEN };
    const oneFile = path.join(work, 'pg-one.json');
    requeryPairs(oneFile, institutions.slice(1, 1 + perPhase));
    log('PostgreSQL: re-query, one process');
    const server = await startServer({ dataDir, port: await freePort(), cpu: null, env });
    const one = await runLoad({ scenario: 'requery', url: server.url, requestsFile: oneFile, connections: 10, durationSeconds: SECONDS }, null);
    await server.stop();
    log('PostgreSQL: re-query, two processes');
    const half = 1 + perPhase + Math.floor(perPhase / 2);
    const halves = [institutions.slice(1 + perPhase, half), institutions.slice(half)];
    const servers = [await startServer({ dataDir, port: await freePort(), cpu: null, env }), await startServer({ dataDir, port: await freePort(), cpu: null, env })];
    const two = await Promise.all(
      servers.map((srv, i) => {
        const file = path.join(work, `pg-two-${i}.json`);
        requeryPairs(file, halves[i]!);
        return runLoad({ scenario: 'requery', url: srv.url, requestsFile: file, connections: 5, durationSeconds: SECONDS }, null);
      }),
    );
    await Promise.all(servers.map((srv) => srv.stop()));
    const twoPerSecond = two.reduce((n, r) => n + r.requestsPerSecond, 0);
    return { one, two, twoPerSecond, ratio: twoPerSecond / one.requestsPerSecond };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

interface LookupSet {
  requeryOne: LoadResult;
  lists: LoadResult;
  search: LoadResult;
}

/** The staff lookups compared between an empty and a scaled database. */
async function lookups(url: string, inst: SeededInstitution, seconds: number): Promise<LookupSet> {
  const row = demoInsuranceRows()[0]!;
  const common = { url, cookie: inst.cookie, connections: 10, durationSeconds: seconds };
  return {
    requeryOne: await runLoad({ ...common, scenario: 'post', path: '/api/staff/requery', body: JSON.stringify({ client: 'api', rows: [row] }) }),
    lists: await runLoad({ ...common, scenario: 'get', path: '/api/staff/consents/lists' }),
    search: await runLoad({ ...common, scenario: 'post', path: '/api/staff/consents/search', body: JSON.stringify(row) }),
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  if (!fs.existsSync(path.join(ROOT, 'dist/index.html'))) {
    log('dist/ missing: building');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const resultsDir = path.join(ROOT, 'bench-results');
  // On the repository's disk, not /tmp: /tmp may be tmpfs, where fsync costs nothing.
  fs.mkdirSync(resultsDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(resultsDir, 'run-'));
  const report: Record<string, unknown> = {
    date: startedAt.toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` },
    // The load average says whether other work shared the machine (2 cores: above ~0.5 it did).
    cores: `${PIN ? 'server pinned to CPU 0, load generator to CPU 1 (taskset)' : 'no pinning; server and load generator shared both CPUs'}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min)`,
    secondsPerPhase: SECONDS,
  };

  // (a) baseline
  log('baseline: node:http hello world');
  const helloPort = await freePort();
  const [hcmd, hargs] = pinned(SERVER_CPU, NODE, [path.join(ROOT, 'tests/bench/hello-server.ts'), String(helloPort)]);
  const hello = spawn(hcmd, hargs, { stdio: 'ignore' });
  await sleep(500);
  const baseline = await runLoad({ scenario: 'hello', url: `http://127.0.0.1:${helloPort}`, connections: 10, durationSeconds: SECONDS });
  hello.kill('SIGKILL');

  // (c) and (d): the write path's ceilings on this disk.
  log('ceiling (c): Hono + one durable insert per request, a commit each');
  const durablePlain = await durableCeiling(work, 'plain');
  log('ceiling (d): the same with group commit');
  const durableGroup = await durableCeiling(work, 'group');

  // The real server on a data directory seeded with the demo institution and one institution per
  // batch run (the batch query runs once a day per institution).
  const dataDir = path.join(work, 'server');
  // Re-query: a fresh (institution, person) pair per request, so each institution seeded with a
  // consent for every demo person serves as many requests as the registry has persons.
  const perInstitution = distinctRequeryRows().length;
  const requeryMaxInstitutions = Math.ceil((REQUERY_MAX_RATE * SECONDS) / perInstitution);
  const requeryRateInstitutions = Math.ceil((REQUERY_RATE * SECONDS * 1.1) / perInstitution);
  const batchInstitutions = BATCH_SIZES.length * BATCH_REPEATS;
  log(`seeding ${1 + batchInstitutions + requeryMaxInstitutions + requeryRateInstitutions} institutions`);
  const institutions = await prepareDataDir(dataDir, batchInstitutions + requeryMaxInstitutions + requeryRateInstitutions);
  const requeryMaxFile = path.join(work, 'requery-max.json');
  const requeryRateFile = path.join(work, 'requery-rate.json');
  const firstRequery = 1 + batchInstitutions;
  requeryPairs(requeryMaxFile, institutions.slice(firstRequery, firstRequery + requeryMaxInstitutions));
  requeryPairs(requeryRateFile, institutions.slice(firstRequery + requeryMaxInstitutions));
  const port = await freePort();
  let server = await startServer({ dataDir, port, cpu: SERVER_CPU, env: { METRICS_TOKEN } });
  const main = institutions[0]!;

  log('registration end to end');
  let before = await serverCounters(server.url);
  const registration = await runLoad({ scenario: 'registration', url: server.url, connections: 10, durationSeconds: SECONDS, linkToken: main.linkToken, dataDir });
  let after = await serverCounters(server.url);
  const registrationServer = perUnit(before, after, Math.max(1, registration.completed ?? 0));
  let peakRss = after.rssBytes;

  log(`re-query of one person, a fresh person each time (as fast as possible, then ${REQUERY_RATE} req/s)`);
  before = await serverCounters(server.url);
  const requeryMax = await runLoad({ scenario: 'requery', url: server.url, requestsFile: requeryMaxFile, connections: 10, durationSeconds: SECONDS });
  after = await serverCounters(server.url);
  const requeryServer = perUnit(before, after, Math.max(1, requeryMax.total));
  peakRss = Math.max(peakRss, after.rssBytes);
  const requery500 = await runLoad({ scenario: 'requery', url: server.url, requestsFile: requeryRateFile, connections: 20, durationSeconds: SECONDS, overallRate: REQUERY_RATE });
  peakRss = Math.max(peakRss, (await serverCounters(server.url)).rssBytes);

  log('batch re-query');
  const allRows = demoInsuranceRows();
  const batch: Record<string, { medianMs: number; runsMs: number[]; statuses: number[] }> = {};
  let next = 1;
  for (const size of BATCH_SIZES) {
    // The embedded registry knows 14 demo persons; the rows cycle through them (see README).
    const rows = Array.from({ length: size }, (_, i) => ({ ...allRows[i % allRows.length]!, costLimit: null }));
    const runs: number[] = [];
    const statuses: number[] = [];
    for (let r = 0; r < BATCH_REPEATS; r++) {
      const inst = institutions[next++]!;
      const { ms, status } = await timedPost(`${server.url}/api/staff/requery/batch`, inst.cookie, { rows });
      runs.push(ms);
      statuses.push(status);
    }
    batch[String(size)] = { medianMs: median(runs), runsMs: runs, statuses };
  }
  await server.stop();

  // Scale: the same lookups on an empty and a generated database.
  let scale: Record<string, unknown> | null = null;
  if (!SKIP.has('scale')) {
    const lookupSeconds = Math.max(3, Math.round(SECONDS / 2));
    log('scale: lookups on an empty database');
    const emptyDir = path.join(work, 'empty');
    const [emptyInst] = await prepareDataDir(emptyDir, 0);
    server = await startServer({ dataDir: emptyDir, port: await freePort(), cpu: SERVER_CPU });
    const empty = await lookups(server.url, emptyInst!, lookupSeconds);
    await server.stop();

    const sizes = scaleSizesFromEnv();
    log(`scale: generating ${sizes.consents} consents and ${sizes.auditEvents} audit events`);
    const bigDir = path.join(work, 'scaled');
    const [bigInst] = await prepareDataDir(bigDir, 0);
    const generated = await generateScale(bigDir, sizes, log);
    await touchSession(bigDir, bigInst!.cookie);
    server = await startServer({ dataDir: bigDir, port: await freePort(), cpu: SERVER_CPU });
    const big = await lookups(server.url, bigInst!, lookupSeconds);
    await server.stop();
    scale = { sizes, generated, empty, scaled: big };
  }

  let postgres: PostgresProcesses | null = null;
  const pgBase = process.env.BENCH_DATABASE_URL;
  if (!SKIP.has('postgres') && pgBase) postgres = await postgresProcesses(work, pgBase);
  else log('PostgreSQL: not run (set BENCH_DATABASE_URL to a PostgreSQL server the bench may create a database on)');

  let frontEnd: FrontEndReport | null = null;
  if (!SKIP.has('frontend')) {
    log('front end: bundle sizes and Lighthouse');
    frontEnd = await frontEndReport(work);
  }

  const ratio = (registration.completedPerSecond ?? 0) / baseline.requestsPerSecond;
  const slope = batch['5000']!.medianMs / batch['1000']!.medianMs;
  Object.assign(report, {
    baseline,
    durablePlain,
    durableGroup,
    registration,
    registrationRatio: ratio,
    registrationServer,
    requeryMax,
    requeryServer,
    requery500,
    peakRssBytes: peakRss,
    batch,
    batchSlope5000over1000: slope,
    scale,
    postgres,
    frontEnd,
  });

  const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(table(report as unknown as Report));
  process.stdout.write(`\nresults: ${path.relative(ROOT, file)}\n`);
  fs.rmSync(work, { recursive: true, force: true });
}

interface Report {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  cores: string;
  baseline: LoadResult;
  durablePlain: LoadResult;
  durableGroup: LoadResult;
  registration: LoadResult;
  registrationRatio: number;
  registrationServer: { cpuMs: number; commits: number };
  requeryServer: { cpuMs: number; commits: number };
  peakRssBytes: number;
  postgres: PostgresProcesses | null;
  requeryMax: LoadResult;
  requery500: LoadResult;
  batch: Record<string, { medianMs: number; statuses: number[] }>;
  batchSlope5000over1000: number;
  scale: null | { sizes: { consents: number; auditEvents: number }; generated: { seconds: number; dbBytes: number }; empty: LookupSet; scaled: LookupSet };
  frontEnd: FrontEndReport | null;
}

const f1 = (n: number) => n.toFixed(1);
const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function table(r: Report): string {
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(12))).join(' '));
  lines.push(`\nZaitaku Uketsuke benchmark — ${r.date}`);
  lines.push(`machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`);
  lines.push(`cores: ${r.cores}\n`);
  row('server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx');
  row('(a) node:http hello world', f0(r.baseline.requestsPerSecond), f1(r.baseline.latencyP50), f1(r.baseline.latencyP99), String(r.baseline.non2xx));
  row('(c) Hono + 1 durable insert, commit each', f0(r.durablePlain.requestsPerSecond), f1(r.durablePlain.latencyP50), f1(r.durablePlain.latencyP99), String(r.durablePlain.non2xx));
  row('(d) the same with group commit', f0(r.durableGroup.requestsPerSecond), f1(r.durableGroup.latencyP50), f1(r.durableGroup.latencyP99), String(r.durableGroup.non2xx));
  row('(b) registration, HTTP requests', f0(r.registration.requestsPerSecond), f1(r.registration.latencyP50), f1(r.registration.latencyP99), String(r.registration.non2xx));
  row('(b) registration, complete (2 requests)', f1(r.registration.completedPerSecond ?? 0), f1(r.registration.flowP50 ?? 0), f1(r.registration.flowP99 ?? 0), '');
  row('(c) re-query of one person, max', f0(r.requeryMax.requestsPerSecond), f1(r.requeryMax.latencyP50), f1(r.requeryMax.latencyP99), String(r.requeryMax.non2xx));
  row('(c) re-query of one person, fixed 500/s', f0(r.requery500.requestsPerSecond), f1(r.requery500.latencyP50), f1(r.requery500.latencyP99), String(r.requery500.non2xx));
  for (const [label, q] of [['max', r.requeryMax], ['500/s', r.requery500]] as const) {
    const others = Object.entries(q.otherOutcomes ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    lines.push(`    ${label}: full path (fresh person, result stored) ${f0(q.fullPath ?? 0)} of ${f0(q.total)} answers; other outcomes: ${others}; pairs reused: ${f0(q.reused ?? 0)}; errors: ${q.errors}`);
  }
  const c = r.durablePlain.requestsPerSecond;
  const d = r.durableGroup.requestsPerSecond;
  lines.push(`    re-query max ${f0(r.requeryMax.requestsPerSecond)}/s = ${(r.requeryMax.requestsPerSecond / c).toFixed(2)} × (c), ${(r.requeryMax.requestsPerSecond / d).toFixed(2)} × (d); server CPU ${r.requeryServer.cpuMs.toFixed(2)} ms and ${r.requeryServer.commits.toFixed(2)} commits per request`);
  lines.push(`    registration ${f1(r.registration.completedPerSecond ?? 0)} flows/s = ${((r.registration.completedPerSecond ?? 0) / c).toFixed(2)} × (c), ${((r.registration.completedPerSecond ?? 0) / d).toFixed(2)} × (d); server CPU ${r.registrationServer.cpuMs.toFixed(2)} ms and ${r.registrationServer.commits.toFixed(2)} commits per complete flow`);
  lines.push(`    server RSS at its largest under load: ${f1(r.peakRssBytes / 2 ** 20)} MiB`);
  if (r.postgres) {
    const p = r.postgres;
    lines.push(`    PostgreSQL re-query: 1 process ${f0(p.one.requestsPerSecond)}/s (p99 ${f1(p.one.latencyP99)} ms), 2 processes ${f0(p.twoPerSecond)}/s (p99 ${p.two.map((x) => f1(x.latencyP99)).join(' / ')} ms): ${p.ratio.toFixed(2)} ×`);
  } else lines.push('    PostgreSQL 1 vs 2 processes: not run (BENCH_DATABASE_URL unset)');
  lines.push('');
  row('(d) batch re-query (median of 3)', 'ms', 'ms/person', 'statuses', '');
  for (const [size, b] of Object.entries(r.batch)) row(`    ${size} persons`, f1(b.medianMs), (b.medianMs / Number(size)).toFixed(3), b.statuses.join(','), '');
  lines.push('');
  if (r.scale) {
    const s = r.scale;
    lines.push(`scale: ${f0(s.sizes.consents)} consents, ${f0(s.sizes.auditEvents)} audit events generated in ${f1(s.generated.seconds)} s, database ${f1(s.generated.dbBytes / 2 ** 20)} MiB`);
    row('lookup (10 connections)', 'empty req/s', 'empty p99', 'scaled req/s', 'scaled p99');
    for (const key of ['requeryOne', 'lists', 'search'] as const) {
      row(`    ${key}`, f0(s.empty[key].requestsPerSecond), f1(s.empty[key].latencyP99), f0(s.scaled[key].requestsPerSecond), f1(s.scaled[key].latencyP99));
    }
    const non2xx = (['requeryOne', 'lists', 'search'] as const).reduce((n, k) => n + s.empty[k].non2xx + s.scaled[k].non2xx, 0);
    if (non2xx > 0) lines.push(`    (${non2xx} non-2xx answers in the scale lookups: see the JSON)`);
    lines.push('');
  }
  if (r.frontEnd) {
    row('front end (gzip, KiB; wire: as sent)', 'JS', '1st screen', 'CSS', 'wire KiB');
    for (const route of r.frontEnd.routes) row(`    ${route.name} ${route.path}`, f1(route.jsGzip / 1024), f1(route.firstScreenJsGzip / 1024), f1(route.cssGzip / 1024), f1(route.wireBytes / 1024));
    const lh = r.frontEnd.lighthouse;
    if (lh) {
      const lcps = (r.frontEnd.lighthouseRuns ?? [lh]).map((run) => f0(run.lcpMs)).join(' / ');
      lines.push(`Lighthouse mobile (simulated throttling), patient entry, median of ${r.frontEnd.lighthouseRuns?.length ?? 1} runs: score ${f0(lh.score * 100)}, FCP ${f0(lh.fcpMs)} ms, LCP ${f0(lh.lcpMs)} ms (runs: ${lcps}), TBT ${f0(lh.tbtMs)} ms, CLS ${lh.cls.toFixed(3)}, INP proxy (max potential first input delay) ${f0(lh.inpProxyMs)} ms`);
    }
    else lines.push('Lighthouse: not run (see error in the JSON)');
    lines.push('');
  }
  lines.push('targets');
  const patient = r.frontEnd?.routes.find((x) => x.name === 'patient');
  const tabletPaint = r.frontEnd?.tabletFirstPaintMs;
  if (tabletPaint !== undefined && tabletPaint !== null) lines.push(`  demo link painted at tablet size ≤ 1 s:  ${f0(tabletPaint)} ms (first contentful paint, warm server, median of 5) — ${verdict(tabletPaint <= 1000)}`);
  if (patient) lines.push(`  patient first-screen JS ≤ 28 KiB gz:     ${f1(patient.firstScreenJsGzip / 1024)} KiB (the whole route ${f1(patient.jsGzip / 1024)} KiB) — ${verdict(patient.firstScreenJsGzip <= 28 * 1024)}`);
  const lh = r.frontEnd?.lighthouse;
  if (lh) {
    // Issue 18's targets (Lighthouse mobile, simulated, median of 3).
    lines.push(`  LCP ≤ 1.0 s:                             ${f0(lh.lcpMs)} ms — ${verdict(lh.lcpMs <= 1000)}`);
    lines.push(`  FCP ≤ 0.9 s:                             ${f0(lh.fcpMs)} ms — ${verdict(lh.fcpMs <= 900)}`);
    lines.push(`  TBT ≤ 50 ms:                             ${f0(lh.tbtMs)} ms — ${verdict(lh.tbtMs <= 50)}`);
    lines.push(`  CLS 0:                                   ${lh.cls.toFixed(3)} — ${verdict(lh.cls === 0)}`);
  }
  lines.push(`  re-query ≥ 50 % of ceiling (d):          ${f1((r.requeryMax.requestsPerSecond / r.durableGroup.requestsPerSecond) * 100)} % — ${verdict(fullPathOnly(r.requeryMax) && r.requeryMax.requestsPerSecond >= 0.5 * r.durableGroup.requestsPerSecond)}`);
  lines.push(`  registration server CPU ≤ 1.5 ms/flow:   ${r.registrationServer.cpuMs.toFixed(2)} ms — ${verdict(r.registrationServer.cpuMs <= 1.5)}`);
  lines.push(`  commits per registration flow ≤ 0.5:     ${r.registrationServer.commits.toFixed(2)} — ${verdict(r.registrationServer.commits <= 0.5)}`);
  lines.push(`  server RSS ≤ 200 MiB under load:         ${f1(r.peakRssBytes / 2 ** 20)} MiB — ${verdict(r.peakRssBytes <= 200 * 2 ** 20)}`);
  if (r.postgres) lines.push(`  2 processes on PostgreSQL ≥ 1.6 × one:   ${r.postgres.ratio.toFixed(2)} × — ${verdict(r.postgres.ratio >= 1.6)}`);
  if (r.scale) {
    const keys = ['requeryOne', 'lists', 'search'] as const;
    const worst = Math.max(...keys.map((k) => r.scale!.empty[k].requestsPerSecond / Math.max(1, r.scale!.scaled[k].requestsPerSecond)));
    // Only 2xx answers count: a fast refusal (an expired session) must not read as "flat".
    const allOk = keys.every((k) => r.scale!.empty[k].non2xx === 0 && r.scale!.scaled[k].non2xx === 0);
    lines.push(`  scaled lookups ≤ 1.2 × slower than empty: worst ${worst.toFixed(2)} ×${allOk ? '' : ' (not all 2xx)'} — ${verdict(allOk && worst <= 1.2)}`);
  }
  lines.push(`  registration ≥ 40 % of baseline:         ${f1(r.registrationRatio * 100)} % (complete registrations/s ÷ hello req/s) — ${verdict(r.registrationRatio >= 0.4)}`);
  // Each verdict counts only 2xx answers on the full path: a fast refusal must not read as "met".
  const q = r.requery500;
  const qFull = fullPathOnly(q);
  lines.push(`  re-query p99 ≤ 20 ms at 500 req/s:       ${f1(q.latencyP99)} ms at ${f0(q.requestsPerSecond)} req/s${qFull ? '' : ' (not all 2xx on the full path)'} — ${verdict(qFull && q.latencyP99 <= 20 && q.requestsPerSecond >= 475)}`);
  const b1000 = r.batch['1000']!;
  const b5000 = r.batch['5000']!;
  const ok1000 = all2xx(b1000.statuses);
  const okBoth = ok1000 && all2xx(b5000.statuses);
  lines.push(`  batch of 1,000 ≤ 150 ms:                 ${f1(b1000.medianMs)} ms${ok1000 ? '' : ` (statuses ${b1000.statuses.join(',')})`} — ${verdict(ok1000 && b1000.medianMs <= 150)}`);
  lines.push(`  5,000 ≤ 5.5 × 1,000:                     ${r.batchSlope5000over1000.toFixed(2)} ×${okBoth ? '' : ' (not all 2xx)'} — ${verdict(okBoth && r.batchSlope5000over1000 <= 5.5)}`);
  return `${lines.join('\n')}\n`;
}

await main();
