// Imports in src/ point down the layers only, and no two files import each other (directly or
// round a loop). The layers, lowest first (README, Architecture):
//   runtime   exec, logging, state, privilege, mounts: what every part runs on
//   parts     config, host, binfmt, tools, cache, rootfs, image, kernel, boot, publish
//   builders  one file (or folder) per kind of product; uses parts
//   pipeline  pipeline.ts, pipeline/ (the sequence), diagnostics/ (the post step's side)
//   entries   main.ts, post.ts, cli.ts (thin: each calls run() of entries/), cli-args.ts
// A file may import its own layer or any lower one. Type-only imports count: they are
// dependencies a reader follows too. Every folder must be placed here, so a new one is a choice.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/runner.js';

const SRC = join(ROOT, 'src');

const LAYERS: readonly (readonly string[])[] = [
  ['runtime'],
  ['config', 'host', 'binfmt', 'tools', 'cache', 'rootfs', 'image', 'kernel', 'boot', 'base', 'publish'],
  ['builders'],
  ['pipeline', 'pipeline.ts', 'diagnostics'],
  ['main.ts', 'post.ts', 'cli.ts', 'cli-args.ts', 'entries'],
];
const NAMES = ['runtime', 'parts', 'builders', 'pipeline', 'entries'];

/** The layer of a file under src/, by its top folder (or its own name at the top). */
function layerOf(file: string): number | undefined {
  const top = relative(SRC, file).split('/')[0]!;
  const i = LAYERS.findIndex((l) => l.includes(top));
  return i < 0 ? undefined : i;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative imports of a file: import/export ... from, side-effect imports, import(). */
function importsOf(text: string): string[] {
  const found = [
    // `[^;]*?` spans a multi-line import list; statements start a line.
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return [...new Set(found)].filter((s) => s.startsWith('.'));
}

/** file -> files it imports (absolute paths of .ts sources). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const targets = importsOf(readFileSync(f, 'utf8')).map((s) =>
      resolve(dirname(f), s).replace(/\.js$/, '.ts'),
    );
    graph.set(f, targets);
  }
  return graph;
}

/** Every import that points up a layer, or at a file or folder not placed in LAYERS. */
function upwardImports(graph: Map<string, string[]>): string[] {
  const problems: string[] = [];
  const rel = (f: string) => relative(ROOT, f);
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (from === undefined) {
      problems.push(`${rel(file)} is in no layer: add its folder to LAYERS in this test and to the README`);
      continue;
    }
    for (const t of targets) {
      const to = layerOf(t);
      if (!graph.has(t)) problems.push(`${rel(file)} imports ${rel(t)}, which does not exist`);
      else if (to === undefined)
        continue; // reported as a file of its own
      else if (to > from)
        problems.push(
          `${rel(file)} (${NAMES[from]}) imports ${rel(t)} (${NAMES[to]}): an import may only point down a layer`,
        );
    }
  }
  return problems;
}

/** Import cycles between files, each as a path a -> b -> ... -> a (one per strongly connected set). */
function importCycles(graph: Map<string, string[]>): string[] {
  // Tarjan's strongly connected components; a component of two or more files holds a cycle.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      const selfImport = c.length === 1 && (graph.get(v) ?? []).includes(v);
      if (c.length > 1 || selfImport) components.push(c);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  // Name one concrete loop in each component: a shortest way from its first file back to it.
  return components.map((c) => {
    const inside = new Set(c);
    const start = [...c].sort()[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    let end: string | undefined;
    while (queue.length && !end) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) {
          end = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = end!; v !== start; v = prev.get(v)!) path.splice(1, 0, v);
    return `import cycle: ${[...path, start].map((f) => relative(ROOT, f)).join(' -> ')}`;
  });
}

describe('layers', () => {
  const graph = importGraph(sourceFiles(SRC));

  it('reads the imports of every source file', () => {
    expect(graph.size).toBeGreaterThan(50);
    const pipeline = graph.get(join(SRC, 'pipeline.ts'))!;
    // Static, type-only and dynamic imports are all seen.
    expect(pipeline).toContain(join(SRC, 'runtime', 'log.ts'));
    expect(pipeline).toContain(join(SRC, 'publish', 'report.ts'));
    expect(pipeline).toContain(join(SRC, 'publish', 'artifact.ts'));
  });

  it('finds an upward import and a cycle when there is one', () => {
    const a = join(SRC, 'runtime', 'a.ts');
    const b = join(SRC, 'builders', 'b.ts');
    const c = join(SRC, 'runtime', 'c.ts');
    const made = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    expect(upwardImports(made)).toEqual([
      'src/runtime/a.ts (runtime) imports src/builders/b.ts (builders): an import may only point down a layer',
    ]);
    expect(importCycles(made)).toEqual([
      'import cycle: src/builders/b.ts -> src/runtime/c.ts -> src/runtime/a.ts -> src/builders/b.ts',
    ]);
    expect(importsOf("import {\n  a,\n  type B,\n} from './x.js';\nexport * from '../y.js';\n")).toEqual([
      './x.js',
      '../y.js',
    ]);
  });

  it('every import points to its own layer or a lower one', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('no file imports itself round a loop', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
