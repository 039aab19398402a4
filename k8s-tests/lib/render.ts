// Rendering both deployment outputs: the Helm chart (helm template) and the cdk8s app (synth into a temp dir).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { runOk } from "./tools.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const chartDir = join(repoRoot, "charts", "hft-platform");
export const valuesDir = join(chartDir, "ci");
/** Release name that makes the chart's full name "hft-platform", the cdk8s app's default prefix. */
export const releaseName = "hft-platform";
export const kubeVersion = "1.36.0";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /** Set by the API server on stored objects. */
    resourceVersion?: string;
    generation?: number;
  };
  // biome-ignore lint/suspicious/noExplicitAny: arbitrary Kubernetes object bodies, inspected by path in tests
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [key: string]: any;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors[0].message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

export const valuesFiles = ["minimal", "production", "existing-secret", "monitoring"].map((name) => ({
  name,
  path: join(valuesDir, `${name}-values.yaml`),
}));

export function helmTemplateText(helm: string, args: string[] = []): string {
  return runOk(helm, [
    "template",
    releaseName,
    chartDir,
    "--namespace",
    "hft",
    "--kube-version",
    kubeVersion,
    ...args,
  ]);
}

export function helmTemplate(helm: string, args: string[] = []): K8sObject[] {
  return parseManifests(helmTemplateText(helm, args));
}

export function cdk8sSynthText(overridesFile?: string): string {
  const outdir = mkdtempSync(join(tmpdir(), "hft-cdk8s-"));
  try {
    const args = ["tsx", join(repoRoot, "cdk8s", "src", "main.ts"), "--outdir", outdir];
    if (overridesFile) args.push("--values", overridesFile);
    runOk("npx", args, { cwd: repoRoot });
    return readdirSync(outdir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => readFileSync(join(outdir, f), "utf8"))
      .join("\n---\n");
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

let defaultSynth: string | undefined;
/** Synthesizes the cdk8s app (the default-config output is computed once per test file). */
export function cdk8sSynth(overridesFile?: string): K8sObject[] {
  if (overridesFile) return parseManifests(cdk8sSynthText(overridesFile));
  defaultSynth ??= cdk8sSynthText();
  return parseManifests(defaultSynth);
}

export const isHelmHook = (o: K8sObject) => Boolean(o.metadata.annotations?.["helm.sh/hook"]);
