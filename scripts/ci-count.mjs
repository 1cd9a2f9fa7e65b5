// The closing line of .ci/run: "N passed, N failed" from Vitest's JSON report, where a test
// file that failed outside its tests (an import error, a failing beforeAll/afterAll) and every
// failed check before the tests count as failures. A missing report (Vitest crashed) is one.
// Each failed test is named again here with the start of its message, so the end of the log
// (which is what a reader sees first) says what failed, not only how many.
// Usage: node scripts/ci-count.mjs REPORT.json [FAILED_CHECKS]
import { readFileSync } from 'node:fs';

const [file, checksArg = '0'] = process.argv.slice(2);
const checks = Number(checksArg);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log(`Vitest wrote no report at ${file} (it crashed before the end)`);
  console.log(`0 passed, ${1 + checks} failed`);
  process.exit(0);
}
const broken = (report.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
);
// Vitest colours its messages; the digest is plain text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (text) => text.replace(ANSI, '');
const failed = (report.testResults ?? []).flatMap((f) =>
  (f.assertionResults ?? [])
    .filter((a) => a.status === 'failed')
    .map((a) => ({ file: f.name.split('/').slice(-1)[0], a })),
);
for (const { file, a } of failed) {
  console.log(`FAILED: ${file} > ${a.fullName} (${Math.round((a.duration ?? 0) / 1000)} s)`);
  const message = plain((a.failureMessages ?? []).join('\n'))
    .split('\n')
    .slice(0, 12);
  for (const line of message) console.log(`    ${line.slice(0, 300)}`);
}
for (const f of broken)
  console.log(`FAILED outside its tests: ${f.name}: ${(f.message ?? '').split('\n')[0]}`);
console.log(`${report.numPassedTests} passed, ${report.numFailedTests + broken.length + checks} failed`);
