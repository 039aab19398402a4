// Shared benchmark CLI helpers: `--json` (one JSON object as the last stdout line), `--ops N`, `--seed N`.
export interface BenchArgs {
  json: boolean;
  ops: number | undefined;
  seed: number;
  rest: string[];
}

/** The integer value of a numeric option, or an error naming the option (every bench's flags go through it). */
export function intArg(flag: string, value: string | undefined, min = 1): number {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`${flag} needs an integer >= ${min}, got ${value ?? "nothing"}`);
  }
  return n;
}

export function parseArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const out: BenchArgs = { json: false, ops: undefined, seed: 42, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") out.json = true;
    else if (a === "--ops") out.ops = intArg(a, argv[++i]);
    else if (a === "--seed") out.seed = intArg(a, argv[++i]);
    else out.rest.push(a);
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
