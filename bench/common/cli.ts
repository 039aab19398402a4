// Shared benchmark CLI helpers: `--json` (one JSON object as the last stdout line), `--ops N`, `--seed N`.
export interface BenchArgs {
  json: boolean;
  ops: number | undefined;
  seed: number;
  rest: string[];
}

export function parseArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const out: BenchArgs = { json: false, ops: undefined, seed: 42, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") out.json = true;
    else if (a === "--ops" || a === "--seed") {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v <= 0)
        throw new Error(`${a} needs a positive integer, got ${argv[i]}`);
      if (a === "--ops") out.ops = v;
      else out.seed = v;
    } else out.rest.push(a);
  }
  return out;
}

/** Human-readable progress lines (stdout; in --json mode the JSON object is printed last, after them). */
export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function fmtRate(opsPerS: number): string {
  if (opsPerS >= 1e6) return `${(opsPerS / 1e6).toFixed(2)}M`;
  if (opsPerS >= 1e3) return `${(opsPerS / 1e3).toFixed(1)}k`;
  return opsPerS.toFixed(0);
}
