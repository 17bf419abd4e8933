import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let configured: string | null = null;

/** `out/` at the repository root, or the `LOSSES_OUT` environment variable when set. */
export function defaultOutDir(): string {
  const fromEnv = process.env.LOSSES_OUT;
  return fromEnv
    ? resolve(fromEnv)
    : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'out');
}

/** Makes `dir` the directory `outDir`, `writeOut` and `writeJson` write to (the CLI's `--out`). */
export function setOutDir(dir: string): void {
  configured = resolve(dir);
}

/** The output directory (created when missing): `--out`, else {@link defaultOutDir}. */
export function outDir(): string {
  const dir = configured ?? defaultOutDir();
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `content` to `<out>/<name>` and returns the path. */
export function writeOut(name: string, content: string): string {
  const path = join(outDir(), name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** Writes a value as pretty JSON to `<out>/<name>`. */
export function writeJson(name: string, value: unknown): string {
  return writeOut(name, `${JSON.stringify(value, null, 2)}\n`);
}

/** A Markdown table from a header row and body rows. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  const line = (cells: readonly unknown[]) => `| ${cells.map((c) => String(c)).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** CSV text from a header and rows (numbers written in full precision). */
export function csv(
  header: readonly string[],
  rows: readonly (readonly (number | string)[])[],
): string {
  return `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`;
}
