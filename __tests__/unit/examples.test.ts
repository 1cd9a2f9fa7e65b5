// Every example config loads. Every workflow (.github/workflows/*.yml, examples/*.yml) parses
// and validates with GitHub's own workflow parser (@actions/workflow-parser), and every step
// that uses rpi-build passes only inputs action.yml declares, with accepted values: references
// to a literal matrix are resolved leg by leg, and each leg's inputs must load as a BuildConfig.
// The README's inputs and outputs tables match action.yml, and CHANGELOG.md's latest release
// is package.json's version.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  convertWorkflowTemplate,
  isMapping,
  isScalar,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { optionSpec } from '../../src/config/options.js';
import type { RawConfig } from '../../src/config/schema.js';
import { ROOT } from '../support/runner.js';

type Token = Parameters<typeof isMapping>[0];
type Plain = string | Plain[] | { [key: string]: Plain };
type Leg = Record<string, Plain>;

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

const actionParse = parseAction(
  { name: 'action.yml', content: read('action.yml') },
  new NoOperationTraceWriter(),
);
const action = convertActionTemplate(actionParse.context, actionParse.value!);
const actionInputs = new Map((action.inputs ?? []).map((i) => [i.id, i.description ?? '']));
const actionOutputs = new Map((action.outputs ?? []).map((o) => [o.id, o.description ?? '']));

const configs = readdirSync(join(ROOT, 'examples', 'configs')).map((f) =>
  join(ROOT, 'examples', 'configs', f),
);
const workflows = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .map((f) => join('examples', f)),
  ...readdirSync(join(ROOT, '.github', 'workflows'))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .map((f) => join('.github', 'workflows', f)),
];

/** A parsed token as plain data; scalars as the strings a step receives (expressions as written). */
function plain(t: Token): Plain {
  if (isMapping(t)) {
    const o: Record<string, Plain> = {};
    for (const { key, value } of t) o[key.toString()] = plain(value);
    return o;
  }
  if (isSequence(t)) return [...t].map(plain);
  if (isScalar(t)) {
    const source = (t as { source?: string }).source;
    return source ?? t.toString();
  }
  return String(t);
}

/** The legs of a literal matrix (include/exclude applied), or undefined when it is an expression. */
function matrixLegs(matrix: Plain | undefined): Leg[] | undefined {
  if (matrix === undefined) return [{}];
  if (typeof matrix === 'string' || Array.isArray(matrix)) return undefined;
  let legs: Leg[] = [{}];
  for (const [k, values] of Object.entries(matrix)) {
    if (k === 'include' || k === 'exclude') continue;
    if (!Array.isArray(values)) return undefined;
    legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [k]: v })));
  }
  const matches = (leg: Leg, part: Plain) =>
    typeof part === 'object' &&
    !Array.isArray(part) &&
    Object.entries(part).every(([k, v]) => JSON.stringify(leg[k]) === JSON.stringify(v));
  const exclude = matrix.exclude;
  if (Array.isArray(exclude)) legs = legs.filter((leg) => !exclude.some((e) => matches(leg, e)));
  if (legs.length === 1 && Object.keys(legs[0]!).length === 0 && Array.isArray(matrix.include)) legs = [];
  const original = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
  for (const entry of Array.isArray(matrix.include) ? matrix.include : []) {
    if (typeof entry !== 'object' || Array.isArray(entry)) return undefined;
    // GitHub's rule: an include entry extends every leg whose original values it does not overwrite,
    // and becomes a leg of its own when it extends none.
    const extendable = legs.filter((leg) =>
      Object.entries(entry).every(
        ([k, v]) => !original.includes(k) || JSON.stringify(leg[k]) === JSON.stringify(v),
      ),
    );
    if (extendable.length > 0 && original.length > 0) for (const leg of extendable) Object.assign(leg, entry);
    else legs.push({ ...entry });
  }
  return legs;
}

const MATRIX_REF = /\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}/g;

/** Problems with one workflow file: parser errors, undeclared inputs, values rpi-build would reject. */
async function checkWorkflow(name: string, content: string): Promise<{ problems: string[]; steps: number }> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const problems = parsed.context.errors.getErrors().map((e) => e.message);
  if (problems.length > 0 || !parsed.value) return { problems, steps: 0 };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  problems.push(...(template.errors ?? []).map((e) => e.Message));
  if (problems.length > 0) return { problems, steps: 0 };

  let steps = 0;
  const wf = plain(parsed.value) as Record<string, Plain>;
  for (const [jobId, job] of Object.entries(wf.jobs as Record<string, Record<string, Plain>>)) {
    const strategy = job.strategy as Record<string, Plain> | undefined;
    const legs = matrixLegs(strategy?.matrix);
    for (const [i, step] of ((job.steps ?? []) as Record<string, Plain>[]).entries()) {
      const uses = step.uses;
      if (typeof uses !== 'string' || !(uses === './' || /^[\w.-]+\/rpi-build@/.test(uses))) continue;
      steps++;
      const where = `${name}: jobs.${jobId}.steps[${i}]`;
      // What earlier steps of the job write: run scripts, and the folders artifacts are downloaded to.
      const earlierRuns = ((job.steps ?? []) as Record<string, Plain>[])
        .slice(0, i)
        .map((st) => {
          if (typeof st.run === 'string') return st.run;
          const path = (st.with as Record<string, Plain> | undefined)?.path;
          const download = typeof st.uses === 'string' && st.uses.startsWith('actions/download-artifact@');
          return download && typeof path === 'string' ? `"${path}"` : '';
        })
        .join('\n');
      const given = (step.with ?? {}) as Record<string, Plain>;
      for (const key of Object.keys(given)) {
        if (!actionInputs.has(key)) problems.push(`${where}: with.${key} is not an input of action.yml`);
      }
      for (const leg of legs ?? [undefined]) {
        const label = leg && Object.keys(leg).length > 0 ? ` (matrix ${JSON.stringify(leg)})` : '';
        const overrides: RawConfig = {};
        let file: string | undefined;
        for (const [key, raw] of Object.entries(given)) {
          if (!actionInputs.has(key) || typeof raw !== 'string') continue;
          const value = resolve(raw, leg, (ref) =>
            problems.push(`${where}: with.${key} uses matrix.${ref}, which the matrix does not define`),
          );
          if (value === undefined) continue; // an expression only the runner can evaluate
          const bad = checkValue(key, value);
          if (bad) problems.push(`${where}${label}: with.${key}: ${bad}`);
          else if (key === 'config') file = join(ROOT, value);
          else overrides[key] = value;
        }
        if (file && !existsSync(file)) {
          problems.push(`${where}: with.config: ${file} does not exist`);
          continue;
        }
        // On a GitHub-hosted label the job runs where hosted-only options (free-disk-space) are allowed.
        const runsOn =
          typeof job['runs-on'] === 'string' ? resolve(job['runs-on'], leg, () => undefined) : undefined;
        const hosted = !!runsOn && /^(ubuntu|windows|macos)-/.test(runsOn);
        const saved = { RUNNER_ENVIRONMENT: process.env.RUNNER_ENVIRONMENT, ImageOS: process.env.ImageOS };
        if (hosted) Object.assign(process.env, { RUNNER_ENVIRONMENT: 'github-hosted', ImageOS: 'ubuntu24' });
        try {
          await loadConfig(file ? { file, overrides } : { overrides });
        } catch (err) {
          // A path an earlier step of the job creates (a downloaded source tarball or artifact) is fine.
          const missingPath = /^[\w-]+: "([^"]+)" does not exist/.exec((err as Error).message)?.[1];
          if (missingPath && earlierRuns.includes(missingPath)) continue;
          problems.push(`${where}${label}: ${(err as Error).message}`);
        } finally {
          for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
          }
        }
      }
    }
  }
  return { problems: [...new Set(problems)], steps };
}

/** Substitutes ${{ matrix.X }} from a literal matrix leg; undefined when anything stays unresolved. */
function resolve(value: string, leg: Leg | undefined, unknown: (ref: string) => void): string | undefined {
  let unresolved = false;
  const out = value.replace(MATRIX_REF, (_, ref: string) => {
    const v = leg?.[ref];
    if (leg && v === undefined) unknown(ref);
    if (typeof v !== 'string') {
      unresolved = true;
      return '';
    }
    return v;
  });
  return unresolved || out.includes('${{') ? undefined : out;
}

/** Why an input value would be rejected, checked against the option table. */
function checkValue(key: string, value: string): string | undefined {
  const spec = optionSpec(key);
  if (!spec) return undefined;
  if (spec.kind === 'bool' && !/^(true|false)$/i.test(value.trim())) return `"${value}" is not true or false`;
  if (spec.kind === 'int' && !/^\s*\d+\s*$/.test(value)) return `"${value}" is not a whole number`;
  if (spec.values) {
    const items = spec.kind === 'list' ? value.split(/[\s,]+/).filter((s) => s !== '') : [value.trim()];
    const bad = items.filter((v) => !spec.values!.includes(v));
    if (bad.length > 0) return `${bad.join(', ')} not one of ${spec.values.join(', ')}`;
  }
  return undefined;
}

describe('examples', () => {
  it.each(configs)('%s is a valid build config', async (file) => {
    await expect(loadConfig({ file, overrides: {} })).resolves.toBeDefined();
  });
});

describe('workflows', () => {
  it('action.yml is valid by the action schema', () => {
    expect(actionParse.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(actionInputs.size).toBeGreaterThan(10);
  });

  it.each(workflows)('%s parses, and its rpi-build steps pass declared, accepted inputs', async (file) => {
    const { problems } = await checkWorkflow(file, read(file));
    expect(problems).toEqual([]);
  });

  it('the check is not vacuous: the workflows and examples use rpi-build', async () => {
    let steps = 0;
    for (const file of workflows) steps += (await checkWorkflow(file, read(file))).steps;
    expect(steps).toBeGreaterThanOrEqual(3);
  });

  const workflow = (step: string, strategy = '') => `on: push
jobs:
  build:
    runs-on: ubuntu-24.04${strategy}
    steps:
      - uses: actions/checkout@v4
${step}`;

  it('a good step passes', async () => {
    const good = workflow(
      `      - uses: org/rpi-build@v1
        with:
          arch: \${{ matrix.arch }}
          compression: zstd
          boot-test: false
          password: \${{ secrets.PW }}`,
      `
    strategy:
      matrix:
        arch: [arm64, armhf]
        include:
          - arch: armel
            runner: x`,
    );
    expect(await checkWorkflow('good.yml', good)).toEqual({ problems: [], steps: 1 });
  });

  it.each([
    [
      'an unknown input',
      workflow(`      - uses: ./
        with:
          archh: arm64`),
      'jobs.build.steps[1]: with.archh is not an input of action.yml',
    ],
    [
      'a value outside the choices',
      workflow(`      - uses: ./
        with:
          compression: bzip2`),
      'with.compression: bzip2 not one of xz, zstd, gzip, none',
    ],
    [
      'a matrix leg outside the choices',
      workflow(
        `      - uses: org/rpi-build@v1
        with:
          arch: \${{ matrix.arch }}`,
        `
    strategy:
      matrix:
        arch: [arm64, riscv64]`,
      ),
      '(matrix {"arch":"riscv64"}): with.arch: riscv64 not one of arm64, armhf, armel',
    ],
    [
      'a reference to a matrix key that does not exist',
      workflow(
        `      - uses: ./
        with:
          suite: \${{ matrix.suite }}`,
        `
    strategy:
      matrix:
        arch: [arm64]`,
      ),
      'with.suite uses matrix.suite, which the matrix does not define',
    ],
    [
      'a boolean that is not one',
      workflow(`      - uses: ./\n        with:\n          boot-test: yes`),
      'with.boot-test: "yes" is not true or false',
    ],
    ['a YAML syntax error', workflow(`      - uses: ./\n        with: [arch: arm64\n`), 'Flow sequence'],
    [
      'a schema error (unknown job key)',
      workflow('').replace('steps:', 'stepz:'),
      "Unexpected value 'stepz'",
    ],
    ['a schema error (step with neither uses nor run)', workflow('      - with: {arch: arm64}\n'), 'uses'],
  ])('%s fails the check', async (_, content, message) => {
    const { problems } = await checkWorkflow('bad.yml', content);
    expect(problems.length, 'problems found').toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(message);
  });
});

describe('matrix legs', () => {
  it('expands, excludes and includes as GitHub does', () => {
    expect(
      matrixLegs({
        arch: ['arm64', 'armhf'],
        suite: ['bookworm', 'trixie'],
        exclude: [{ arch: 'armhf', suite: 'trixie' }],
        include: [{ arch: 'arm64', extra: 'x' }, { arch: 'armel' }],
      }),
    ).toEqual([
      { arch: 'arm64', suite: 'bookworm', extra: 'x' },
      { arch: 'arm64', suite: 'trixie', extra: 'x' },
      { arch: 'armhf', suite: 'bookworm' },
      { arch: 'armel' },
    ]);
    expect(matrixLegs({ include: [{ arch: 'arm64' }, { arch: 'armhf' }] })).toEqual([
      { arch: 'arm64' },
      { arch: 'armhf' },
    ]);
    expect(matrixLegs('${{ fromJSON(needs.plan.outputs.matrix) }}')).toBeUndefined();
  });
});

/** Rows of the Markdown table between <!-- name:start --> and <!-- name:end -->, header dropped. */
function readmeTable(readme: string, name: string): string[][] {
  const section = readme.match(new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`));
  expect(section, `README.md has <!-- ${name}:start --> ... <!-- ${name}:end -->`).not.toBeNull();
  const lines = section![1]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) =>
        c.trim().replace(/\\\|/g, '|').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
      ),
  );
}
const unquote = (c: string) => c.replace(/^`(.*)`$/, '$1');

describe('README', () => {
  const readme = read('README.md');

  it('inputs table: the same names, in order, and descriptions as action.yml', () => {
    const rows = readmeTable(readme, 'inputs');
    expect(rows.map((r) => unquote(r[0]!))).toEqual([...actionInputs.keys()]);
    for (const [name, description, def, values] of rows) {
      const choices = values ? values.split(',').map((v) => unquote(v.trim())) : [];
      let full = description!;
      if (choices.length > 0) full += ` One of: ${choices.join(', ')}.`;
      if (def) full += ` Default: ${unquote(def)}.`;
      expect(full, `README row ${name}`).toBe(actionInputs.get(unquote(name!)));
    }
  });

  it('outputs table: the same names, in order, and descriptions as action.yml', () => {
    const rows = readmeTable(readme, 'outputs');
    expect(rows.map((r) => unquote(r[0]!))).toEqual([...actionOutputs.keys()]);
    for (const [name, description] of rows) expect(description, name).toBe(actionOutputs.get(unquote(name!)));
  });
});

describe('CHANGELOG.md', () => {
  it("the latest released version is package.json's version", () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    const released = changelog.match(/^## \[(\d+\.\d+\.\d+[^\]]*)\] - \d{4}-\d{2}-\d{2}/m);
    expect(released, 'a "## [x.y.z] - YYYY-MM-DD" heading').not.toBeNull();
    expect(released![1]).toBe(JSON.parse(read('package.json')).version);
  });
});
