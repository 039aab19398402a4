// Engine matching benchmark: our OrderBook vs nodejs-order-book and hft-limit-order-book on the same seeded
// operation streams, in the same process and run. `npm run bench:engine -- --help`.
import { execSync } from "node:child_process";
import os from "node:os";
import { fmtRate, intArg, log, printJson } from "../common/cli.js";
import { type LatencySummary, summarize } from "../common/hdr.js";
import { raisePriority, runInOwnSession } from "../common/priority.js";
import {
  type BookState,
  COMPETITORS,
  type Competitor,
  competitorBook,
  FacadeBook,
  OursBook,
} from "./books.js";
import { generate, OP_NAMES, type OpStream, SCENARIOS, type ScenarioName, streamHash } from "./ops.js";
import {
  applySetup,
  maybeGc,
  median,
  oursFixedRate,
  oursTimed,
  oursUntimed,
  timedWithBudget,
  untimed,
} from "./run.js";

const HELP = `Usage: npm run bench:engine -- [options]

Replays seeded operation streams (adds, cancels, marketable orders, amends) through our matching core's
OrderBook and through the npm order books nodejs-order-book and hft-limit-order-book, in the same run.

Options:
  --ops N          measured operations per scenario (default 1000000; setup ops come on top)
  --quick          short run: --ops 100000, competitor budget 300 ms, fewer repeats
  --seed N         PRNG seed (default 42)
  --scenario LIST  comma-separated subset of: ${SCENARIOS.join(", ")} (default: all)
  --budget-ms N    time budget per competitor library per scenario (default 2000); they run a prefix of the
                   stream within it, and ratios compare rates on that same prefix
  --rate N         arrival rate of the open-loop run in ops/s (default 1000000; 0 disables it); the open-loop
                   run is repeated like the throughput runs and the run with the median p99.9 is reported
  --no-priority    do not raise the benchmark's scheduling priority (default on Linux when permitted: the
                   benchmark re-runs itself in its own session and sets nice -20 for it and its autogroup)
  --json           print one JSON object with the results as the last line of stdout
  --help           this text
`;

interface Options {
  ops: number;
  seed: number;
  scenarios: ScenarioName[];
  budgetMs: number;
  rate: number;
  json: boolean;
  repeats: number;
  priority: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = {
    ops: 1_000_000,
    seed: 42,
    scenarios: [...SCENARIOS],
    budgetMs: 2000,
    rate: 1_000_000,
    json: false,
    repeats: 3,
    priority: true,
  };
  let opsSet = false;
  let budgetSet = false;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--help":
      case "-h":
        process.stdout.write(HELP);
        process.exit(0);
        break;
      case "--json":
        o.json = true;
        break;
      case "--quick":
        quick = true;
        break;
      case "--no-priority":
        o.priority = false;
        break;
      case "--ops":
        o.ops = intArg(a, argv[++i], 1000);
        opsSet = true;
        break;
      case "--seed":
        o.seed = intArg(a, argv[++i], 0);
        break;
      case "--budget-ms":
        o.budgetMs = intArg(a, argv[++i], 10);
        budgetSet = true;
        break;
      case "--rate":
        o.rate = intArg(a, argv[++i], 0);
        break;
      case "--scenario": {
        const list = (argv[++i] ?? "").split(",").filter((x) => x !== "");
        for (const s of list) {
          if (!(SCENARIOS as readonly string[]).includes(s)) {
            throw new Error(`--scenario: unknown scenario "${s}" (known: ${SCENARIOS.join(", ")})`);
          }
        }
        if (list.length === 0) throw new Error("--scenario needs a comma-separated list");
        o.scenarios = list as ScenarioName[];
        break;
      }
      default:
        throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  if (quick) {
    if (!opsSet) o.ops = 100_000;
    if (!budgetSet) o.budgetMs = 300;
    o.repeats = 2;
  }
  return o;
}

interface BookResult {
  /** measured ops (after setup) */
  ops: number;
  ops_per_s: number;
  p50_us: number;
  p99_us: number;
  p999_us: number;
  max_us: number;
  /** true when the run covers only a prefix of the stream (time budget) */
  prefix: boolean;
  /** ours only: process CPU time / wall time over the throughput runs (< 1: the OS gave our core away) */
  cpu_share?: number;
}

interface ScenarioResult {
  name: string;
  description: string;
  stream_hash: string;
  setup_ops: number;
  ops: number;
  op_mix: Record<string, number>;
  resting_after_setup: number;
  resting_at_end: number;
  levels_at_end: number;
  ours: BookResult;
  /** mix only: the same stream through the MatchingEngine facade; vs_core = its ops/s / the core's */
  facade?: BookResult & { vs_core: number; state_matches_core: boolean };
  /** our rate on exactly the prefix each competitor ran (the ratio's numerator) */
  ours_on_prefix: Record<string, number>;
  competitors: Record<string, BookResult>;
  /** ours_on_prefix / competitor ops_per_s on the same prefix */
  ratios: Record<string, number>;
  state_check: Record<string, BookState & { ours: BookState }>;
  fixed_rate?: FixedRateResult;
}

interface FixedRateRun {
  achieved_ops_per_s: number;
  p50_us: number;
  p99_us: number;
  p999_us: number;
  p9999_us: number;
  max_us: number;
}

interface FixedRateResult extends FixedRateRun {
  target_ops_per_s: number;
  ops: number;
  /** every repeat; the top-level figures are those of the run with the median p99.9 */
  runs: FixedRateRun[];
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function toNs(latMs: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) latMs[i] *= 1e6;
  return latMs;
}

function result(ops: number, elapsedMs: number, lat: LatencySummary, prefix: boolean): BookResult {
  return {
    ops,
    ops_per_s: Math.round(ops / (elapsedMs / 1000)),
    p50_us: lat.p50_us,
    p99_us: lat.p99_us,
    p999_us: lat.p999_us,
    max_us: lat.max_us,
    prefix,
  };
}

function oursFresh(s: OpStream): OursBook {
  const b = new OursBook();
  applySetup(b, s);
  return b;
}

/** Our rate on ops [setup, setup+count): median of `repeats` fresh-book runs. */
function oursRate(s: OpStream, count: number, repeats: number, cpu?: { share: number }): number {
  const rates: number[] = [];
  const shares: number[] = [];
  for (let r = 0; r < repeats; r++) {
    maybeGc();
    const b = oursFresh(s);
    const c0 = process.cpuUsage();
    const ms = oursUntimed(b, s, s.setup, s.setup + count);
    const c1 = process.cpuUsage(c0);
    rates.push(count / (ms / 1000));
    shares.push((c1.user + c1.system) / 1000 / ms);
  }
  // CPU time of the process / wall time during the runs: well below 1 means other processes took our core
  if (cpu !== undefined) cpu.share = Math.round(median(shares) * 100) / 100;
  return Math.round(median(rates));
}

function runScenario(name: ScenarioName, o: Options, lat: Float64Array): ScenarioResult {
  const tg = performance.now();
  const s = generate(name, o.ops, o.seed);
  const measured = s.n - s.setup;
  const op_mix: Record<string, number> = {};
  for (let k = 0; k < OP_NAMES.length; k++) op_mix[OP_NAMES[k]] = r3((s.counts[k] / measured) * 100);
  log(
    `\n== ${name}: ${s.description}\n   stream: ${measured} measured ops + ${s.setup} setup ops, hash ${streamHash(s)}, ` +
      `generated in ${Math.round(performance.now() - tg)} ms; mix %: ${JSON.stringify(op_mix)}; resting orders ` +
      `after setup ${s.restingAfterSetup}, at end ${s.restingAtEnd} over ${s.levelsAtEnd} levels`,
  );

  // ours: warm-up run, throughput (median of fresh-book runs, no clock per op), then one run with a clock per op
  oursUntimed(oursFresh(s), s, s.setup, s.n);
  const cpu = { share: 0 };
  const oursOpsPerS = oursRate(s, measured, o.repeats, cpu);
  // warm the timed loop itself too (a loop first run in the interpreter and then OSR-compiled would add a stall)
  oursTimed(oursFresh(s), s, s.setup, s.n, lat);
  maybeGc();
  const tb = oursFresh(s);
  oursTimed(tb, s, s.setup, s.n, lat);
  const oursLat = summarize(toNs(lat, measured), measured);
  const ours: BookResult = {
    ops: measured,
    ops_per_s: oursOpsPerS,
    cpu_share: cpu.share,
    p50_us: oursLat.p50_us,
    p99_us: oursLat.p99_us,
    p999_us: oursLat.p999_us,
    max_us: oursLat.max_us,
    prefix: false,
  };

  // mix only: the same stream through the whole MatchingEngine facade (proto commands in, reports out)
  let facade: (BookResult & { vs_core: number; state_matches_core: boolean }) | undefined;
  if (name === "mix") {
    const fresh = (): FacadeBook => {
      const b = new FacadeBook();
      b.prepare(s);
      applySetup(b, s);
      return b;
    };
    untimed(fresh(), s, s.setup, s.n); // warm-up
    const rates: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      maybeGc();
      const b = fresh();
      rates.push(measured / (untimed(b, s, s.setup, s.n) / 1000));
    }
    maybeGc();
    const tb = fresh();
    timedWithBudget(tb, s, s.setup, s.n, Number.POSITIVE_INFINITY, lat);
    const fl = summarize(toNs(lat, measured), measured);
    const core = oursFresh(s);
    oursUntimed(core, s, s.setup, s.n);
    const a = tb.state();
    const b = core.state();
    const opsPerS = Math.round(median(rates));
    facade = {
      ops: measured,
      ops_per_s: opsPerS,
      p50_us: fl.p50_us,
      p99_us: fl.p99_us,
      p999_us: fl.p999_us,
      max_us: fl.max_us,
      prefix: false,
      vs_core: Math.round((opsPerS / oursOpsPerS) * 1000) / 1000,
      state_matches_core:
        a.bestBid === b.bestBid && a.bestAsk === b.bestAsk && a.volume === b.volume && a.levels === b.levels,
    };
  }

  const competitors: Record<string, BookResult> = {};
  const ours_on_prefix: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  const state_check: Record<string, BookState & { ours: BookState }> = {};
  for (const c of COMPETITORS) {
    // warm-up on a fresh book with a quarter of the budget, then the measured run on another fresh book
    for (const [budget, measuredRun] of [
      [o.budgetMs / 4, false],
      [o.budgetMs, true],
    ] as const) {
      maybeGc();
      const book = competitorBook(c as Competitor);
      book.prepare(s, s.n);
      applySetup(book, s);
      const count = timedWithBudget(book, s, s.setup, s.n, budget, lat);
      if (!measuredRun) continue;
      let elapsed = 0;
      for (let i = 0; i < count; i++) elapsed += lat[i];
      const summary = summarize(toNs(lat, count), count);
      competitors[c] = result(count, elapsed, summary, count < measured);
      const same = count === measured ? oursOpsPerS : oursRate(s, count, Math.max(o.repeats, 5));
      ours_on_prefix[c] = same;
      ratios[c] = Math.round((same / competitors[c].ops_per_s) * 10) / 10;
      const ob = oursFresh(s);
      oursUntimed(ob, s, s.setup, s.setup + count);
      state_check[c] = { ...book.state(), ours: ob.state() };
    }
  }

  const res: ScenarioResult = {
    name,
    description: s.description,
    stream_hash: streamHash(s),
    setup_ops: s.setup,
    ops: measured,
    op_mix,
    resting_after_setup: s.restingAfterSetup,
    resting_at_end: s.restingAtEnd,
    levels_at_end: s.levelsAtEnd,
    ours,
    facade,
    ours_on_prefix,
    competitors,
    ratios,
    state_check,
  };

  if (name === "mix" && o.rate > 0) {
    const periodMs = 1000 / o.rate;
    // warm-up of the open-loop function on a prefix, so the measured run does not start in the interpreter
    oursFixedRate(oursFresh(s), s, s.setup, s.setup + Math.min(measured, 50_000), periodMs, lat);
    const runs: FixedRateRun[] = [];
    for (let r = 0; r < o.repeats; r++) {
      maybeGc();
      const fb = oursFresh(s);
      const wall = oursFixedRate(fb, s, s.setup, s.n, periodMs, lat);
      const fl = summarize(toNs(lat, measured), measured);
      runs.push({
        achieved_ops_per_s: Math.round(measured / (wall / 1000)),
        p50_us: fl.p50_us,
        p99_us: fl.p99_us,
        p999_us: fl.p999_us,
        p9999_us: fl.p9999_us,
        max_us: fl.max_us,
      });
    }
    // the run with the median p99.9 represents the scenario; every run is kept in the JSON
    const mid = [...runs].sort((a, b) => a.p999_us - b.p999_us)[(runs.length - 1) >> 1];
    res.fixed_rate = { target_ops_per_s: o.rate, ops: measured, ...mid, runs };
  }
  return res;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function printTable(results: ScenarioResult[]): void {
  const head = `${pad("scenario", 14)} ${pad("book", 22)} ${pad("ops", 9, true)} ${pad("ops/s", 9, true)} ${pad("p50 µs", 8, true)} ${pad("p99 µs", 8, true)} ${pad("p99.9 µs", 9, true)} ${pad("max µs", 9, true)}  ours/theirs (same prefix)`;
  log(`\n${head}\n${"-".repeat(head.length + 4)}`);
  const row = (sc: string, book: string, r: BookResult, extra: string): void =>
    log(
      `${pad(sc, 14)} ${pad(book, 22)} ${pad(String(r.ops), 9, true)} ${pad(fmtRate(r.ops_per_s), 9, true)} ${pad(r.p50_us.toFixed(3), 8, true)} ${pad(r.p99_us.toFixed(3), 8, true)} ${pad(r.p999_us.toFixed(3), 9, true)} ${pad(r.max_us.toFixed(1), 9, true)}  ${extra}`,
    );
  for (const r of results) {
    row(r.name, "ours", r.ours, `(process CPU share during runs: ${r.ours.cpu_share})`);
    if (r.facade !== undefined) {
      row(
        "",
        "ours: engine facade",
        r.facade,
        `${Math.round(r.facade.vs_core * 100)}% of the core's rate; proto commands in, reports out; ` +
          `final book ${r.facade.state_matches_core ? "identical to" : "DIFFERENT from"} the core's`,
      );
    }
    for (const c of COMPETITORS) {
      const cr = r.competitors[c];
      if (cr === undefined) continue;
      const note = cr.prefix
        ? `prefix ${cr.ops} ops; ours on it ${fmtRate(r.ours_on_prefix[c])}/s`
        : "full stream";
      row("", c, cr, `${r.ratios[c]}x  (${note})`);
    }
    if (r.fixed_rate !== undefined) {
      const f = r.fixed_rate;
      log(
        `${pad("", 14)} ${pad(`ours @ ${fmtRate(f.target_ops_per_s)}/s open loop`, 22)} ${pad(String(f.ops), 9, true)} ${pad(fmtRate(f.achieved_ops_per_s), 9, true)} ${pad(f.p50_us.toFixed(3), 8, true)} ${pad(f.p99_us.toFixed(3), 8, true)} ${pad(f.p999_us.toFixed(3), 9, true)} ${pad(f.max_us.toFixed(1), 9, true)}  latency = completion - intended start (queueing included); p99.99 ${f.p9999_us.toFixed(3)} µs`,
      );
    }
  }
}

function machine(): Record<string, string | number> {
  let model = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = execSync("lscpu", { encoding: "utf8" }).match(/Model name:\s*(.+)/);
    if (m !== null) model = m[1].trim();
  } catch {
    // lscpu missing: keep os.cpus() model
  }
  return {
    node: process.version,
    cpus: os.availableParallelism(),
    cpu_model: model,
    platform: `${os.platform()} ${os.arch()}`,
    loadavg_1m_at_start: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

function main(): void {
  let o: Options;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  if (runInOwnSession(o.priority)) return;
  const m = machine();
  m.priority = raisePriority(o.priority);
  // The npm script fixes V8's young generation at 64 MB: every clock read allocates a 16-byte heap number, and
  // with the default (growing from 1 MB) those alone would trigger young-generation GCs inside a 1M-op run.
  const semi = process.execArgv.find((a) => a.startsWith("--max-semi-space-size"));
  const gcNote =
    ((globalThis as { gc?: unknown }).gc === undefined ? "no --expose-gc" : "gc between runs") +
    (semi === undefined ? "" : `, ${semi} MB`);
  log(
    `bench:engine — seed ${o.seed}, ${o.ops} measured ops per scenario, competitor budget ${o.budgetMs} ms, ` +
      `${o.repeats} repeats (median), ${gcNote}\nmachine: ${m.cpu_model}, ${m.cpus} CPUs, node ${m.node}, ` +
      `load average ${m.loadavg_1m_at_start} at start, ${m.priority}`,
  );
  // one latency buffer for all runs (sized for the longest stream), reused so runs allocate nothing per op
  const lat = new Float64Array(o.ops + 64);
  const results: ScenarioResult[] = [];
  for (const name of o.scenarios) results.push(runScenario(name, o, lat));
  printTable(results);
  log(
    "\nNotes: ops/s of ours = median of fresh-book runs over the whole measured stream without per-op clock reads." +
      "\nPer-op latency: one performance.now() read after every op (the sample includes that read, ~50-70 ns here)." +
      "\nCompetitors run the same stream with a clock read per op until the stream ends or their time budget is" +
      "\nspent; the ratio is ours/theirs measured on exactly the ops they ran (same prefix, same run).",
  );

  const mix = results.find((r) => r.name === "mix");
  const scenarios: Record<string, ScenarioResult> = {};
  for (const r of results) scenarios[r.name] = r;
  const summary = {
    ops_per_s: mix?.ours.ops_per_s ?? null,
    vs_nodejs_order_book: mix?.ratios["nodejs-order-book"] ?? null,
    vs_hft_limit_order_book: mix?.ratios["hft-limit-order-book"] ?? null,
    p50_us: mix?.ours.p50_us ?? null,
    p99_us: mix?.ours.p99_us ?? null,
    p999_us: mix?.ours.p999_us ?? null,
    fixed_rate_1m_p99_us: mix?.fixed_rate?.p99_us ?? null,
    fixed_rate_1m_p999_us: mix?.fixed_rate?.p999_us ?? null,
    fixed_rate_target_ops_per_s: mix?.fixed_rate?.target_ops_per_s ?? null,
    seed: o.seed,
    ops: o.ops,
    machine: m,
    scenarios,
  };
  if (o.json) printJson(summary);
}

main();
