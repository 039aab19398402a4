// The kind workflow cannot run here (no Docker): lint it with actionlint (with shellcheck for its `run:`
// scripts when installed), and check that what it uses agrees with the rest of the repository: the kind
// cluster config (static CPU manager), the values it installs with, and the images it loads.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allViolations } from "./lib/policy.js";
import { chartDir, helmTemplate, repoRoot } from "./lib/render.js";
import { assertTools, checkTools, findTool, run } from "./lib/tools.js";

const workflowsDir = join(repoRoot, ".github", "workflows");
const workflowFiles = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(workflowsDir, f));
const kindDir = join(repoRoot, "k8s-tests", "kind");

const tools = checkTools(["actionlint"]);

describe.skipIf(tools.skip)("GitHub workflows pass actionlint", () => {
  const tmp = mkdtempSync(join(tmpdir(), "hft-actionlint-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("every workflow is clean", () => {
    assertTools(tools);
    const shellcheck = findTool("shellcheck");
    if (!shellcheck) console.warn("[k8s-tests] shellcheck not installed: actionlint skips the run: scripts");
    const r = run(tools.paths.actionlint, ["-no-color", ...workflowFiles], {
      cwd: repoRoot,
      env: shellcheck ? { PATH: `${join(shellcheck, "..")}:${process.env.PATH}` } : {},
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("actionlint reports a broken workflow (the check can fail)", () => {
    const broken = readFileSync(join(workflowsDir, "kind.yml"), "utf8")
      .replace("runs-on: ubuntu-24.04", "runs-onn: ubuntu-24.04")
      .replace("github.ref }}", "github.reff }}");
    const file = join(tmp, "broken.yml");
    writeFileSync(file, broken);
    const r = run(tools.paths.actionlint, ["-no-color", file], { cwd: repoRoot });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/runs-onn/);
    expect(r.stdout).toMatch(/reff/);
  });
});

describe("kind workflow agrees with the repository", () => {
  const workflow = readFileSync(join(workflowsDir, "kind.yml"), "utf8");
  const cluster = parse(readFileSync(join(kindDir, "cluster.yaml"), "utf8")) as {
    kubeadmConfigPatches: string[];
    nodes: Array<{ role: string; labels?: Record<string, string>; kubeadmConfigPatches?: string[] }>;
  };

  it("the cluster's kubelets run the static CPU manager with a non-zero reservation", () => {
    const kubelet = cluster.kubeadmConfigPatches
      .map((p) => parse(p) as Record<string, unknown>)
      .find((p) => p.kind === "KubeletConfiguration");
    expect(kubelet?.cpuManagerPolicy).toBe("static");
    expect(String(kubelet?.reservedSystemCPUs ?? "")).toMatch(/^\d+([-,]\d+)*$/);
  });

  it("every file the workflow uses exists", () => {
    const paths = [
      ...workflow.matchAll(/(?:^|[\s<"'=])((?:k8s-tests|charts|scripts)\/[\w./-]+\.(?:ya?ml|sh|mjs|ts))/gm),
    ].map((m) => m[1]);
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const p of paths) expect(existsSync(join(repoRoot, p)), p).toBe(true);
  });

  it("loads exactly the images scripts/build-docker-images.sh builds", () => {
    const loaded = /for image in ([\w\s-]+?); do/.exec(workflow)?.[1].trim().split(/\s+/) ?? [];
    const envDir = mkdtempSync(join(tmpdir(), "hft-kind-env-"));
    const built = run("bash", [join(repoRoot, "scripts", "build-docker-images.sh"), "local", "ci"], {
      env: { DRY_RUN: "1", CHECKS: "0", HFT_ENV_FILE: join(envDir, ".env") },
    })
      .stdout.split("\n")
      .map((l) => / -t (\S+):ci /.exec(l)?.[1])
      .filter(Boolean);
    rmSync(envDir, { recursive: true, force: true });
    expect(loaded.sort()).toEqual(built.sort());
  });

  const helm = checkTools(["helm"]);
  it.skipIf(helm.skip)(
    "the kind values put the engine on the cluster's dedicated, tainted worker and satisfy every policy",
    () => {
      const objects = helmTemplate(helm.paths.helm, [
        "-f",
        join(chartDir, "ci", "minimal-values.yaml"),
        "-f",
        join(kindDir, "values.yaml"),
      ]);
      expect(allViolations(objects, "Helm", { allowTestPod: true })).toEqual([]);
      const engine = objects.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-engine"))!.spec
        .template.spec;
      const worker = cluster.nodes.find((n) => n.role === "worker")!;
      for (const [k, v] of Object.entries(engine.nodeSelector as Record<string, string>))
        expect(worker.labels?.[k], k).toBe(v);
      const taints = (worker.kubeadmConfigPatches ?? []).flatMap(
        (p) =>
          (parse(p) as { nodeRegistration?: { taints?: Array<{ key: string; effect: string }> } })
            .nodeRegistration?.taints ?? [],
      );
      expect(taints.length).toBeGreaterThan(0);
      for (const t of taints)
        expect(
          (engine.tolerations as Array<{ key: string; effect: string }>).some(
            (tol) => tol.key === t.key && tol.effect === t.effect,
          ),
          t.key,
        ).toBe(true);
      // minimal values: the engine's single core is what the workflow's pinning step expects
      expect(engine.containers[0].resources.limits.cpu).toBe("1");
    },
  );
});
