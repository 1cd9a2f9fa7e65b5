// Every example config loads; every workflow that uses rpi-build passes only inputs action.yml declares.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { ROOT } from './support/runner.js';

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
const inputs = Object.keys(action.inputs as Record<string, unknown>);
const configs = readdirSync(join(ROOT, 'examples', 'configs')).map((f) =>
  join(ROOT, 'examples', 'configs', f),
);
const workflows = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(ROOT, 'examples', f)),
  ...readdirSync(join(ROOT, '.github', 'workflows')).map((f) => join(ROOT, '.github', 'workflows', f)),
];

describe('examples', () => {
  it.each(configs)('%s is a valid build config', async (file) => {
    await expect(loadConfig({ file, overrides: {} })).resolves.toBeDefined();
  });
  it.each(workflows)('%s uses only declared inputs', (file) => {
    const wf = parse(readFileSync(file, 'utf8'));
    expect(wf.jobs, 'a workflow has jobs').toBeTypeOf('object');
    for (const job of Object.values(
      wf.jobs as Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>,
    )) {
      for (const step of job.steps ?? []) {
        if (step.uses === './' || step.uses?.startsWith('org/rpi-build@')) {
          for (const k of Object.keys(step.with ?? {})) expect(inputs, `${file}: ${k}`).toContain(k);
        }
      }
    }
  });
});
