// autocannon ships no type declarations; its shape is described below where it is used.
// @ts-expect-error no types
import autocannon from 'autocannon';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { cardSigner, registrationBody, uuidV4 } from './support.ts';

/**
 * The load generator, run as its own process by bench.ts (so that it never shares an event loop
 * with the server under test). Argument: one JSON object (LoadSpec). Prints one JSON line
 * (LoadResult) to stdout.
 *
 * Scenarios:
 * - hello:        GET / against the bare node:http server (the baseline).
 * - registration: POST /api/public/registrations, then the card answer signed here with the demo
 *                 card's key, then POST /api/handoff — a fresh registration and a fresh answer
 *                 every time. One "registration" is both requests; its latency is measured from
 *                 the first request's send to the handoff's response.
 * - requery:      POST /api/staff/requery of one person, a different (institution, person) pair
 *                 for every request from `requestsFile`, so each request takes the full path
 *                 (look-up, consent gate, result stored, person record noted, audit) and never the
 *                 cheaper "already queried today" answer (Q2). Counts the answers that really
 *                 took it (every match 'ok').
 * - post:         one JSON POST with a fixed body and cookie (search).
 * - get:          one GET with a cookie (consent lists).
 */
export interface LoadSpec {
  scenario: 'hello' | 'registration' | 'requery' | 'post' | 'get';
  url: string;
  path?: string;
  body?: string;
  cookie?: string;
  connections: number;
  durationSeconds: number;
  /** Fixed rate (requests per second, all connections together); otherwise as fast as possible. */
  overallRate?: number;
  /** registration: the institution link token and the data directory holding the card keys. */
  linkToken?: string;
  dataDir?: string;
  /** requery: a JSON file of { cookie, body } requests, each sent once, in order. */
  requestsFile?: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  total: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** registration only: completed registrations and their end-to-end latency (ms). */
  completed?: number;
  completedPerSecond?: number;
  flowP50?: number;
  flowP99?: number;
  /** requery only: 2xx answers whose every match was 'ok' (the full path), and the other outcomes seen. */
  fullPath?: number;
  otherOutcomes?: Record<string, number>;
  /** requery only: requests sent after the file's pairs ran out (they reuse a pair: not the full path). */
  reused?: number;
}

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  duration: number;
  errors: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface Ctx {
  started?: number;
  challenge?: { challengeId: string; nonce: string };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const flows: number[] = [];
  let requery: { fullPath: number; otherOutcomes: Record<string, number>; reused: number } | null = null;
  const options: Record<string, unknown> = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.cookie) headers.cookie = spec.cookie;

  if (spec.scenario === 'hello') {
    options.requests = [{ method: 'GET', path: '/' }];
  } else if (spec.scenario === 'get') {
    options.requests = [{ method: 'GET', path: spec.path, headers }];
  } else if (spec.scenario === 'requery') {
    const pool = JSON.parse(fs.readFileSync(spec.requestsFile!, 'utf8')) as Array<{ cookie: string; body: string }>;
    let next = 0;
    requery = { fullPath: 0, otherOutcomes: {}, reused: 0 };
    const tally = requery;
    options.requests = [
      {
        method: 'POST',
        path: '/api/staff/requery',
        setupRequest: (req: Record<string, unknown>) => {
          if (next >= pool.length) tally.reused++;
          const pair = pool[next++ % pool.length]!;
          return { ...req, headers: { ...headers, cookie: pair.cookie }, body: pair.body };
        },
        onResponse: (status: number, resBody: string) => {
          if (status < 200 || status >= 300) return;
          const rows = (JSON.parse(resBody) as { rows: Array<{ matches: Array<{ outcome: string }> }> }).rows;
          const outcomes = rows.flatMap((r) => r.matches.map((m) => m.outcome));
          if (outcomes.length > 0 && outcomes.every((o) => o === 'ok')) tally.fullPath++;
          else for (const o of outcomes.length > 0 ? outcomes : ['noMatch']) tally.otherOutcomes[o] = (tally.otherOutcomes[o] ?? 0) + 1;
        },
      },
    ];
  } else if (spec.scenario === 'post') {
    options.requests = [{ method: 'POST', path: spec.path, headers, body: spec.body }];
  } else {
    const sign = await cardSigner(spec.dataDir!);
    const body = registrationBody(spec.linkToken!);
    options.requests = [
      {
        method: 'POST',
        path: '/api/public/registrations',
        setupRequest: (req: Record<string, unknown>, ctx: Ctx) => {
          ctx.started = performance.now();
          ctx.challenge = undefined;
          return { ...req, headers: { ...headers, 'x-device-id': uuidV4() }, body };
        },
        onResponse: (status: number, resBody: string, ctx: Ctx) => {
          if (status === 201) ctx.challenge = (JSON.parse(resBody) as { challenge: Ctx['challenge'] }).challenge;
        },
      },
      {
        method: 'POST',
        path: '/api/handoff',
        // No challenge (the first step failed): start over with a new registration.
        setupRequest: (req: Record<string, unknown>, ctx: Ctx) => (ctx.challenge ? { ...req, headers, body: sign(ctx.challenge) } : null),
        onResponse: (status: number, _body: string, ctx: Ctx) => {
          if (status === 200 && ctx.started !== undefined) flows.push(performance.now() - ctx.started);
        },
      },
    ];
  }

  const result = (await autocannon(options)) as AutocannonResult;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(count);
  const out: LoadResult = {
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMax: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
  if (spec.scenario === 'registration') {
    flows.sort((a, b) => a - b);
    out.completed = flows.length;
    out.completedPerSecond = flows.length / result.duration;
    out.flowP50 = percentile(flows, 50);
    out.flowP99 = percentile(flows, 99);
  }
  if (requery) Object.assign(out, requery);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
