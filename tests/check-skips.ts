/**
 * After a test run: fails if the runner skipped a test that tests/skips.ts does not declare
 * (issue 14 #2). Reads the JSON report that vitest or Playwright wrote:
 *
 *   node tests/check-skips.ts test-reports/vitest.json
 *   node tests/check-skips.ts test-reports/playwright.json
 */
import fs from 'node:fs';
import path from 'node:path';
import { DECLARED_SKIPS, type DeclaredSkip } from './skips.ts';

interface SkippedTest {
  runner: DeclaredSkip['runner'];
  file: string;
  title: string;
}

interface VitestReport {
  testResults: { name: string; assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: { title: string; file: string; tests: { projectName: string; status: string }[] }[];
  suites?: PlaywrightSuite[];
}

const root = path.resolve(import.meta.dirname, '..');
const relative = (file: string) => path.relative(root, path.resolve(root, file)).split(path.sep).join('/');

function vitestSkips(report: VitestReport): SkippedTest[] {
  return report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((test) => test.status === 'skipped' || test.status === 'pending' || test.status === 'todo')
      .map((test) => ({ runner: 'vitest' as const, file: relative(file.name), title: [...test.ancestorTitles, test.title].join(' > ') })),
  );
}

function playwrightSkips(suites: PlaywrightSuite[], describes: string[] = []): SkippedTest[] {
  return suites.flatMap((suite) => {
    // The top-level suites are the files; their title is the file name, not a describe block.
    const titles = suite.file && describes.length === 0 && suite.title === suite.file ? [] : [...describes, suite.title];
    const own = (suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((test) => test.status === 'skipped')
        .map(() => ({ runner: 'playwright' as const, file: relative(path.join('tests/e2e', spec.file)), title: [...titles, spec.title].join(' > ') })),
    );
    return [...own, ...playwrightSkips(suite.suites ?? [], titles)];
  });
}

const reportFile = process.argv[2];
if (!reportFile) {
  console.error('usage: node tests/check-skips.ts <vitest or playwright JSON report>');
  process.exit(2);
}
if (!fs.existsSync(reportFile)) {
  console.error(`check-skips: ${reportFile} is missing: the test run wrote no JSON report, so its skips cannot be checked.`);
  process.exit(1);
}
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as VitestReport | { suites: PlaywrightSuite[] };
const skipped = 'testResults' in report ? vitestSkips(report) : playwrightSkips(report.suites);
const undeclared = skipped.filter(
  (test) => !DECLARED_SKIPS.some((declared) => declared.runner === test.runner && declared.file === test.file && declared.title === test.title),
);
// Several projects may skip the same test: name it once.
const names = [...new Set(undeclared.map((test) => `  ${test.runner}: ${test.file} › ${test.title}`))];
if (names.length > 0) {
  console.error(`check-skips: ${names.length} skipped test(s) not declared in tests/skips.ts (declare each with its reason, or make it run):\n${names.join('\n')}`);
  process.exit(1);
}
console.log(`check-skips: ${skipped.length} skipped, all declared in tests/skips.ts (${reportFile})`);
