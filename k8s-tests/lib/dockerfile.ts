// Static checks of Dockerfiles/*.Dockerfile (parsed with dockerfile-ast, the parser of VS Code's Docker
// extension). There is no Docker engine on this machine: the images are built and run by the kind workflow;
// here we check what can be checked without building them.
import { DockerfileParser } from "dockerfile-ast";

export interface Stage {
  name: string | undefined;
  /** FROM argument with build ARGs resolved (an image reference or an earlier stage's name). */
  base: string;
  /** args: the raw argument text, flags (--from=...) included. */
  instructions: Array<{ keyword: string; args: string }>;
}

export interface ParsedDockerfile {
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const df = DockerfileParser.parse(text);
  const args: Record<string, string> = {};
  for (const arg of df.getInitialARGs()) {
    const prop = arg.getProperty();
    if (prop) args[prop.getName()] = prop.getValue() ?? "";
  }
  const resolve = (s: string) => s.replace(/\$\{?(\w+)\}?/g, (m, name: string) => args[name] ?? m);
  const stages: Stage[] = [];
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword();
    const positional = ins
      .getArguments()
      .map((a) => a.getValue())
      .filter((a) => !a.startsWith("--"));
    if (keyword === "FROM") {
      const asIndex = positional.findIndex((a) => a.toUpperCase() === "AS");
      stages.push({
        name: asIndex >= 0 ? positional[asIndex + 1] : undefined,
        base: resolve(positional[0] ?? ""),
        instructions: [],
      });
      continue;
    }
    if (keyword === "ARG" && stages.length === 0) continue;
    const current = stages.at(-1);
    if (!current) throw new Error(`${keyword} before the first FROM`);
    // The instruction's whole text minus the keyword: flags such as COPY --from= are not "arguments" to the parser.
    const args = ins.getTextContent().replace(/^\s*\w+\s*/, "");
    current.instructions.push({ keyword, args });
  }
  return { args, stages };
}

/** The stage and its ancestors (stages it is built FROM), nearest first. */
export function stageChain(df: ParsedDockerfile, name: string): Stage[] {
  const chain: Stage[] = [];
  let stage = df.stages.find((s) => s.name === name);
  while (stage) {
    chain.push(stage);
    const base = stage.base;
    stage = df.stages.find((s) => s.name === base);
  }
  return chain;
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

export interface DockerfileExpectations {
  /** Stages built as images (build --target), each checked as a runtime image. */
  targets: string[];
  /** Targets that must have a HEALTHCHECK (short-lived ones such as `migrate` don't). */
  healthcheck: string[];
}

/** Violations of the image rules; [] when the Dockerfile is fine. */
export function checkDockerfile(text: string, expect: DockerfileExpectations): string[] {
  const v: string[] = [];
  let df: ParsedDockerfile;
  try {
    df = parseDockerfile(text);
  } catch (err) {
    return [`does not parse: ${(err as Error).message}`];
  }
  if (df.stages.length < 2) v.push("not multi-stage");
  const names = new Set(df.stages.map((s) => s.name));
  for (const s of df.stages) {
    if (names.has(s.base)) continue;
    if (
      /^(docker\.io\/(library\/)?)?node:/.test(s.base) &&
      !/^(docker\.io\/(library\/)?)?node:22([.-]|$)/.test(s.base)
    )
      v.push(`stage ${s.name ?? "?"}: node base image is not Node 22 (${s.base})`);
    if (/:latest$/.test(s.base) || !s.base.includes(":"))
      v.push(`stage ${s.name ?? "?"}: unpinned base ${s.base}`);
  }
  for (const [name, value] of Object.entries(df.args))
    if (SECRET_NAME.test(name) && value) v.push(`ARG ${name} has a default value (a secret in the image)`);
  for (const s of df.stages) {
    for (const ins of s.instructions) {
      const where = `stage ${s.name ?? "?"}: ${ins.keyword} ${ins.args.split("\n")[0]}`;
      if (ins.keyword === "ENV" || ins.keyword === "ARG") {
        for (const m of ins.args.matchAll(/(\w+)=/g))
          if (SECRET_NAME.test(m[1])) v.push(`${where}: secret-like name`);
      }
      if (
        (ins.keyword === "COPY" || ins.keyword === "ADD") &&
        /(^|\s)(\S*\.env(\.\S*)?|\S+\.(pem|key))(\s|$)/.test(ins.args)
      )
        v.push(`${where}: copies secrets`);
      if (ins.keyword === "ADD" && /https?:\/\//.test(ins.args)) v.push(`${where}: ADD from a URL`);
      if (ins.keyword === "RUN" && /\bnpm (install|i)\b/.test(ins.args))
        v.push(`${where}: npm install (use npm ci)`);
    }
  }
  for (const target of expect.targets) {
    const chain = stageChain(df, target);
    if (chain.length === 0) {
      v.push(`no stage named ${target}`);
      continue;
    }
    const root = chain.at(-1)!.base;
    if (!/^(docker\.io\/(library\/)?)?node:22([.-]|$)/.test(root))
      v.push(`${target}: not based on node:22 (${root})`);
    const all = chain.toReversed().flatMap((s) => s.instructions);
    const user = all
      .filter((i) => i.keyword === "USER")
      .at(-1)
      ?.args.trim();
    if (!user) v.push(`${target}: no USER (runs as root)`);
    else if (!/^\d+(:\d+)?$/.test(user))
      v.push(`${target}: USER ${user} is not numeric (runAsNonRoot cannot verify it)`);
    else if (user.split(":")[0] === "0") v.push(`${target}: USER is root`);
    const start = all.filter((i) => i.keyword === "ENTRYPOINT" || i.keyword === "CMD").at(-1);
    if (!start) v.push(`${target}: no ENTRYPOINT/CMD`);
    else if (!start.args.trim().startsWith("["))
      v.push(`${target}: ${start.keyword} in shell form (signals miss node)`);
    const hc = all.filter((i) => i.keyword === "HEALTHCHECK").at(-1);
    if (expect.healthcheck.includes(target) && (!hc || /^NONE\b/i.test(hc.args.trim())))
      v.push(`${target}: no HEALTHCHECK`);
    // node_modules copied into the image must come from a production-only install.
    for (const ins of all.filter((i) => i.keyword === "COPY" && /node_modules/.test(i.args))) {
      const from = /--from=(\S+)/.exec(ins.args)?.[1];
      const source = from ? stageChain(df, from) : [];
      const installs = source.flatMap((s) => s.instructions).filter((i) => /\bnpm ci\b/.test(i.args));
      if (installs.length === 0)
        v.push(`${target}: node_modules copied from ${from ?? "context"} without npm ci`);
      for (const i of installs)
        if (!/--omit=dev/.test(i.args))
          v.push(`${target}: node_modules from ${from} include dev dependencies`);
    }
  }
  return v;
}
