import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/server/config.ts';
import { readBackupConfig } from '../../src/server/backup/backup-config.ts';
import { loadKeyring } from '../../src/server/secrets/keyring.ts';

/**
 * Issue 20 #5: the deployment recipe's files (src/server/deploy/), as the README's Operations
 * section shows them, are valid for the tools that read them, and agree with each other and with
 * the server. Each tool runs when installed (.ci/run installs systemd, nginx-light, caddy and
 * logrotate from Debian); on a machine without it the file is checked structurally instead, and
 * the test says so on stderr. The structural checks run in any case.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = path.join(ROOT, 'src/server/deploy');
const INSTALL_DIR = '/opt/zaitaku-uketsuke';
const read = (name: string) => fs.readFileSync(path.join(DEPLOY, name), 'utf8');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-deploy-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function toolMissing(tool: string, file: string): void {
  process.stderr.write(`deploy-recipe: ${tool} is not installed here; ${file} is checked structurally only (.ci/run installs it)\n`);
}

/** The unit's `[Section]` → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) throw new Error(`not a unit-file line: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/** `KEY=value` lines of an environment file or the unit's `Environment=` values. */
function parseEnv(lines: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not a KEY=value line: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

const unit = parseUnit(read('zaitaku-uketsuke.service'));
const service = unit.get('Service')!;
const one = (key: string): string => {
  const values = service.get(key);
  if (!values || values.length !== 1) throw new Error(`[Service] ${key} must be set once`);
  return values[0]!;
};
/** The settings the server gets: the unit's Environment= lines, then the environment file. */
const unitEnv = parseEnv(service.get('Environment') ?? []);
const fileEnv = parseEnv(read('zaitaku-uketsuke.env').split('\n'));

/** The directives the unit may use where systemd-analyze is missing (systemd 252's names). */
const KNOWN_DIRECTIVES: Record<string, readonly string[]> = {
  Unit: ['Description', 'Documentation', 'Wants', 'After', 'Requires', 'Before'],
  Service: [
    'Type', 'User', 'Group', 'WorkingDirectory', 'ExecStart', 'Environment', 'EnvironmentFile', 'LoadCredential',
    'StateDirectory', 'StateDirectoryMode', 'UMask', 'KillSignal', 'KillMode', 'TimeoutStopSec', 'TimeoutStartSec',
    'Restart', 'RestartSec', 'NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices',
    'PrivateUsers', 'ProtectHostname', 'ProtectClock', 'ProtectKernelTunables', 'ProtectKernelModules',
    'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectProc', 'ProcSubset', 'RestrictAddressFamilies',
    'RestrictNamespaces', 'RestrictRealtime', 'RestrictSUIDSGID', 'LockPersonality', 'RemoveIPC',
    'CapabilityBoundingSet', 'AmbientCapabilities', 'SystemCallArchitectures', 'SystemCallFilter',
    'SystemCallErrorNumber', 'StandardOutput', 'StandardError', 'SyslogIdentifier', 'LogsDirectory',
  ],
  Install: ['WantedBy'],
};

describe('issue 20 #5: the systemd unit (src/server/deploy/zaitaku-uketsuke.service)', () => {
  it('passes systemd-analyze verify (installed at the repository root instead of /opt/zaitaku-uketsuke)', () => {
    const text = read('zaitaku-uketsuke.service');
    if (!has('systemd-analyze')) {
      toolMissing('systemd-analyze', 'zaitaku-uketsuke.service');
      for (const [section, keys] of unit) {
        expect(KNOWN_DIRECTIVES[section], `section [${section}]`).toBeDefined();
        for (const key of keys.keys()) expect(KNOWN_DIRECTIVES[section], `[${section}] ${key}`).toContain(key);
      }
      return;
    }
    // The checkout here stands for /opt/zaitaku-uketsuke: ExecStart's node must exist.
    const file = path.join(work, 'zaitaku-uketsuke.service');
    fs.writeFileSync(file, text.replaceAll(INSTALL_DIR, ROOT));
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    // Unknown keys and bad values are only warnings (exit 0): any line about the file fails too.
    const complaints = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.includes('zaitaku-uketsuke'));
    expect(complaints).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('has the hardening, a dedicated user, state directories 0700 and a stop timeout above the shutdown deadline', () => {
    expect(one('User')).toBe('zaitaku');
    expect(one('User')).not.toBe('root');
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['StateDirectoryMode', '0700'],
      ['CapabilityBoundingSet', ''],
      ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
      ['KillSignal', 'SIGTERM'],
      ['UMask', '0077'],
    ] as const) {
      expect(one(key), key).toBe(value);
    }
    expect(one('StateDirectory').split(' ')).toEqual(['zaitaku-uketsuke', 'zaitaku-uketsuke-backups']);
    expect(one('ExecStart')).toBe(`${INSTALL_DIR}/node_modules/.bin/node src/server/main.ts`);
    expect(one('WorkingDirectory')).toBe(INSTALL_DIR);
    // The drain, plus the 5 s the database may still take to close, ends before systemd's SIGKILL.
    const deadlineMs = readConfig({ ...unitEnv, ...fileEnv }).shutdownDeadlineMs;
    expect(Number(one('TimeoutStopSec')) * 1000).toBeGreaterThan(deadlineMs + 5000);
  });

  it('its settings are ones the server reads and make a production configuration; keys outside the state directories, backups outside the data', () => {
    const env = { ...unitEnv, ...fileEnv };
    const sources = fs
      .readdirSync(path.join(ROOT, 'src/server'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => fs.readFileSync(path.join(ROOT, 'src/server', f), 'utf8'))
      .join('\n');
    for (const name of Object.keys(env)) expect(sources, `${name} is read by the server`).toMatch(new RegExp(`env\\.${name}\\b`));
    // %d is the service's credentials directory: a stand-in with the two keys as systemd hands them
    // over (files readable by the service's user only).
    const credentialsDir = fs.mkdtempSync(path.join(work, 'credentials-'));
    fs.writeFileSync(path.join(credentialsDir, 'backup.key'), randomBytes(32), { mode: 0o400 });
    fs.writeFileSync(path.join(credentialsDir, 'secret.keys'), `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o400 });
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll('%d', credentialsDir)]));
    const config = readConfig(resolved);
    expect(config).toMatchObject({ appMode: 'production', host: '127.0.0.1', trustProxy: true, dataDir: '/var/lib/zaitaku-uketsuke', cardSimulator: false });
    expect(config.publicUrl).toMatch(/^https:\/\//);
    expect(config.cardTrust.anchorFiles.length).toBeGreaterThan(0);
    expect(loadKeyring(config).currentId).toBe('k1');
    const backup = readBackupConfig(resolved, config.dataDir);
    expect(backup.schedule.kind).not.toBe('off');
    expect(backup.dir).toBe('/var/lib/zaitaku-uketsuke-backups');
    // The keys come as credentials (%d) from files outside every state directory, so no backup holds them.
    expect(env.SECRET_KEY_FILE).toBe('%d/secret.keys');
    expect(env.BACKUP_KEY_FILE).toBe('%d/backup.key');
    const credentials = (service.get('LoadCredential') ?? []).map((c) => c.split(':'));
    expect(credentials.map(([name]) => name).sort()).toEqual(['backup.key', 'secret.keys']);
    for (const [, source] of credentials) expect(source).toMatch(/^\/etc\/zaitaku-uketsuke\//);
    expect(one('EnvironmentFile')).toBe('/etc/zaitaku-uketsuke/zaitaku-uketsuke.env');
  });
});

/** A self-signed certificate for nginx -t, which loads the certificate files. */
function selfSigned(dir: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=reception.clinic.example', '-days', '1', '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem')], { stdio: 'ignore' });
  new X509Certificate(fs.readFileSync(path.join(dir, 'fullchain.pem')));
}

/** The file without its comments. */
const uncommented = (text: string) => text.split('\n').map((l) => l.replace(/#.*$/, '')).join('\n');

/** Braces balance and every directive line ends with `;` or opens/closes a block. */
function checkBlocks(text: string, file: string): void {
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    expect(depth, `${file}: ${line}`).toBeGreaterThanOrEqual(0);
  }
  expect(depth, `${file}: braces balance`).toBe(0);
}

describe('issue 20 #5: the reverse proxies', () => {
  const port = unitEnv.PORT;

  it('nginx.conf passes nginx -t (inside an http block, with a throwaway certificate at the certbot paths) and replaces X-Forwarded-For', () => {
    const text = read('nginx.conf');
    checkBlocks(text, 'nginx.conf');
    for (const line of text.split('\n').map((l) => l.replace(/#.*$/, '').trim())) {
      if (line !== '' && !line.endsWith('{') && !line.endsWith('}')) expect(line, 'nginx.conf').toMatch(/;$/);
    }
    expect(text).toContain(`server 127.0.0.1:${port};`);
    expect(text).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(uncommented(text)).not.toContain('$proxy_add_x_forwarded_for');
    if (!has('nginx') || !has('openssl')) return toolMissing('nginx (with openssl)', 'nginx.conf');
    const dir = fs.mkdtempSync(path.join(work, 'nginx-'));
    selfSigned(dir);
    const site = path.join(dir, 'site.conf');
    fs.writeFileSync(site, text.replaceAll('/etc/letsencrypt/live/reception.clinic.example/', `${dir}/`));
    const main = path.join(dir, 'nginx.conf');
    fs.writeFileSync(main, `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n    include ${site};\n}\n`);
    const result = spawnSync('nginx', ['-t', '-q', '-p', dir, '-c', main, '-e', path.join(dir, 'error.log')], { encoding: 'utf8' });
    expect(`${result.stderr}${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('Caddyfile passes caddy validate, proxies to the server and health-checks its readiness', () => {
    const text = read('Caddyfile');
    checkBlocks(text, 'Caddyfile');
    expect(text).toMatch(new RegExp(`reverse_proxy 127\\.0\\.0\\.1:${port} \\{`));
    expect(text).toContain('health_uri /api/health/ready');
    expect(uncommented(text)).not.toMatch(/trusted_proxies/);
    if (!has('caddy')) return toolMissing('caddy', 'Caddyfile');
    const home = fs.mkdtempSync(path.join(work, 'caddy-'));
    const result = spawnSync('caddy', ['validate', '--adapter', 'caddyfile', '--config', path.join(DEPLOY, 'Caddyfile')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home },
    });
    expect(result.stdout + result.stderr).toContain('Valid configuration');
    expect(result.status).toBe(0);
  });
});

describe('issue 20 #5: log rotation (src/server/deploy/logrotate.conf)', () => {
  it('passes logrotate --debug (as the user running the test instead of zaitaku) and rotates the file the unit can log to', () => {
    const text = read('logrotate.conf');
    checkBlocks(text, 'logrotate.conf');
    // The unit's commented file-logging lines name the file this rotates.
    expect(read('zaitaku-uketsuke.service')).toContain('# StandardOutput=append:/var/log/zaitaku-uketsuke/server.log');
    expect(text).toContain('/var/log/zaitaku-uketsuke/*.log {');
    expect(text).toMatch(/^\s+copytruncate$/m);
    expect(text).toMatch(/^\s+su zaitaku zaitaku$/m);
    if (!has('logrotate')) return toolMissing('logrotate', 'logrotate.conf');
    const me = os.userInfo().username;
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    const file = path.join(work, 'logrotate.conf');
    fs.writeFileSync(file, text.replace('su zaitaku zaitaku', `su ${me} ${group}`));
    const result = spawnSync('logrotate', ['--debug', '--state', path.join(work, 'logrotate.state'), file], { encoding: 'utf8' });
    expect(result.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    expect(result.status).toBe(0);
  });
});

describe('issue 20 #5: the README shows these files', () => {
  it('the Operations section names every file in src/server/deploy/, and every deploy path it names exists', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Operations\n');
    expect(start).toBeGreaterThan(0);
    const next = readme.indexOf('\n## ', start + 1);
    const operations = readme.slice(start, next < 0 ? undefined : next);
    for (const file of fs.readdirSync(DEPLOY)) {
      if (file === 'README.md') continue;
      expect(operations, file).toContain(`src/server/deploy/${file}`);
    }
    for (const match of operations.matchAll(/src\/server\/deploy\/([\w.-]+)/g)) expect(fs.existsSync(path.join(DEPLOY, match[1]!)), match[0]).toBe(true);
  });
});
