// The chart and the cdk8s output against a real kube-apiserver (+ etcd) started for this file: helm install,
// upgrade and uninstall; server-side dry-run apply of every rendered object; server-side apply of the cdk8s
// output. No kubelet, so nothing runs: the tests prove what the API server checks (OpenAPI schema with strict
// field validation, admission, immutability, storage) and helm's release bookkeeping.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "./lib/controlplane.js";
import {
  cdk8sSynthText,
  chartDir,
  helmTemplate,
  type K8sObject,
  parseManifests,
  releaseName,
  valuesFiles,
} from "./lib/render.js";
import { assertTools, checkTools, type RunResult, run, runOk } from "./lib/tools.js";

const tools = checkTools(["etcd", "kube-apiserver", "kubectl", "helm"]);

const key = (o: Pick<K8sObject, "kind" | "metadata">) => `${o.kind}/${o.metadata.name}`;
const isHook = (o: K8sObject) => Boolean(o.metadata.annotations?.["helm.sh/hook"]);
/** prometheus-operator kinds need CRDs this bare API server does not have (validated offline in render.test). */
const isCrdKind = (o: K8sObject) => o.apiVersion.startsWith("monitoring.coreos.com/");

describe.skipIf(tools.skip)("against a real kube-apiserver", () => {
  let cp: ControlPlane;
  let work: string;
  const kubectl = (args: string[], input?: string): RunResult =>
    run(tools.paths.kubectl, ["--request-timeout=60s", ...args], { env: cp.env, input });
  const kubectlOk = (args: string[], input?: string): string => {
    const r = kubectl(args, input);
    if (r.status !== 0)
      throw new Error(
        `kubectl ${args.join(" ")} failed:\n${r.stderr}\n--- apiserver log ---\n${cp.apiserverLog()}`,
      );
    return r.stdout;
  };
  const helm = (args: string[]) => runOk(tools.paths.helm, [...args], { env: cp.env });
  /** Objects of a manifest as stored by the server (kubectl get -f), keyed by kind/name. */
  const getFromServer = (manifest: string, namespace: string): Map<string, K8sObject> => {
    const out = kubectlOk(["get", "-n", namespace, "-f", "-", "-o", "json"], manifest);
    const parsed = JSON.parse(out) as { kind: string; items?: K8sObject[] } & K8sObject;
    const items = parsed.kind === "List" ? (parsed.items ?? []) : [parsed];
    return new Map(items.map((o) => [key(o), o]));
  };
  const deployment = (ns: string, name: string): K8sObject =>
    JSON.parse(kubectlOk(["get", "deployment", name, "-n", ns, "-o", "json"]));

  beforeAll(async () => {
    assertTools(tools);
    work = mkdtempSync(join(process.env.TMPDIR ?? "/tmp", "hft-apiserver-work-"));
    cp = await startControlPlane({ etcd: tools.paths.etcd, "kube-apiserver": tools.paths["kube-apiserver"] });
  }, 180_000);
  afterAll(async () => {
    await cp?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it("serves the Kubernetes version the chart's kubeVersion constraint is checked against", () => {
    const v = JSON.parse(kubectlOk(["version", "-o", "json"])) as { serverVersion: { gitVersion: string } };
    expect(v.serverVersion.gitVersion).toMatch(/^v1\.(2[7-9]|[3-9]\d)\./);
  });

  it("server-side dry-run apply accepts every object rendered with each values file, and rejects a broken one", () => {
    kubectlOk(["create", "namespace", "hft-dryrun"]);
    // The test-hook Pod names the chart's ServiceAccount, which the ServiceAccount admission plugin looks up:
    // create it for real (a dry-run of the whole file persists nothing).
    kubectlOk(["create", "serviceaccount", releaseName, "-n", "hft-dryrun"]);
    for (const { name, path } of [{ name: "default", path: "" }, ...valuesFiles]) {
      const objects = helmTemplate(tools.paths.helm, path ? ["-f", path] : []).filter((o) => !isCrdKind(o));
      const manifest = objects.map((o) => JSON.stringify(o)).join("\n---\n");
      const out = kubectlOk(
        [
          "apply",
          "--server-side",
          "--dry-run=server",
          "--field-manager=hft-test",
          "-n",
          "hft-dryrun",
          "-f",
          "-",
        ],
        manifest,
      );
      const applied = out.trim().split("\n");
      expect(applied, name).toHaveLength(objects.length);
      for (const line of applied) expect(line, name).toMatch(/serverside-applied \(server dry run\)$/);
    }
    // The same path fails on an object the server rejects: an unknown field (strict field validation) and a
    // fractional replica count.
    const engine = helmTemplate(tools.paths.helm).find(
      (o) => o.kind === "Deployment" && o.metadata.name.endsWith("-engine"),
    )!;
    const typo = structuredClone(engine);
    typo.spec.template.spec.containers[0].resourcez = {};
    const bad = kubectl(
      ["apply", "--server-side", "--dry-run=server", "-n", "hft-dryrun", "-f", "-"],
      JSON.stringify(typo),
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/resourcez/);
    const nothingStored = kubectl(["get", "deployments", "-n", "hft-dryrun", "-o", "name"]);
    expect(nothingStored.stdout.trim()).toBe("");
  });

  it("helm install creates every rendered object on the server", () => {
    helm(["install", releaseName, chartDir, "-n", "hft", "--create-namespace", "--timeout", "120s"]);
    const status = JSON.parse(helm(["status", releaseName, "-n", "hft", "-o", "json"])) as {
      info: { status: string };
      version: number;
    };
    expect(status.info.status).toBe("deployed");
    expect(status.version).toBe(1);

    const manifest = helm(["get", "manifest", releaseName, "-n", "hft"]);
    const rendered = parseManifests(manifest);
    expect(rendered.length).toBeGreaterThan(15);
    const stored = getFromServer(manifest, "hft");
    expect([...stored.keys()].sort()).toEqual(rendered.map(key).sort());
    for (const o of stored.values()) {
      expect(o.metadata.labels?.["app.kubernetes.io/managed-by"], key(o)).toBe("Helm");
      expect(o.metadata.annotations?.["meta.helm.sh/release-name"], key(o)).toBe(releaseName);
    }
    // The server stored the engine pod as the chart rendered it: Guaranteed, whole cores.
    const engine = deployment("hft", `${releaseName}-engine`);
    expect(engine.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: "2", memory: "2Gi" },
      limits: { cpu: "2", memory: "2Gi" },
    });
    // Hooks (the helm test Pod) are not part of the install: they run only on `helm test`.
    const hooks = helmTemplate(tools.paths.helm).filter(isHook);
    expect(hooks.map(key)).toEqual([`Pod/${releaseName}-test`]);
    expect(kubectl(["get", "pod", `${releaseName}-test`, "-n", "hft"]).stderr).toMatch(/NotFound/);
  });

  it("helm upgrade with changed values changes the objects on the server and keeps generated Secrets", () => {
    // The chart generates credentials once and looks them up on upgrade (`lookup` needs a real server).
    const secretData = () =>
      Object.fromEntries(
        ["postgresql", "backend"].map((c) => [
          c,
          JSON.parse(kubectlOk(["get", "secret", `${releaseName}-${c}`, "-n", "hft", "-o", "json"])).data,
        ]),
      );
    const before = secretData();
    expect(Object.values(before.postgresql).every((v) => typeof v === "string" && v.length > 0)).toBe(true);
    helm([
      "upgrade",
      releaseName,
      chartDir,
      "-n",
      "hft",
      "--timeout",
      "120s",
      "--set",
      "engine.cpus=4,engine.memory=3Gi,web.replicas=3",
    ]);
    const engine = deployment("hft", `${releaseName}-engine`);
    for (const c of engine.spec.template.spec.containers) {
      // Every container (sidecars too) keeps requests == limits, so the pod stays Guaranteed.
      expect(c.resources.requests, c.name).toEqual(c.resources.limits);
    }
    expect(engine.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: "4", memory: "3Gi" });
    expect(engine.metadata.generation).toBe(2);
    expect(deployment("hft", `${releaseName}-web`).spec.replicas).toBe(3);
    expect(secretData()).toEqual(before);
    // The migration Job is per revision: the new one exists, the old one was removed by helm.
    const jobs = kubectlOk(["get", "jobs", "-n", "hft", "-o", "name"]).trim().split("\n");
    expect(jobs).toEqual([`job.batch/${releaseName}-migrate-2`]);
    const history = JSON.parse(helm(["history", releaseName, "-n", "hft", "-o", "json"])) as Array<{
      revision: number;
      status: string;
    }>;
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, "superseded"],
      [2, "deployed"],
    ]);
  });

  it("helm uninstall removes every object of the release", async () => {
    const manifest = helm(["get", "manifest", releaseName, "-n", "hft"]);
    helm(["uninstall", releaseName, "-n", "hft", "--timeout", "120s"]);
    // Deletion is asynchronous for objects with finalizers; bound the wait.
    const deadline = Date.now() + 60_000;
    let left = "";
    do {
      left = kubectlOk(["get", "-n", "hft", "--ignore-not-found", "-o", "name", "-f", "-"], manifest).trim();
      if (left === "") break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    expect(left).toBe("");
    const labelled = kubectlOk([
      "get",
      "deploy,sts,svc,cm,secret,sa,job,pdb,netpol",
      "-n",
      "hft",
      "-l",
      `app.kubernetes.io/instance=${releaseName}`,
      "-o",
      "name",
    ]);
    expect(labelled.trim()).toBe("");
    expect(helm(["list", "-n", "hft", "-a", "-q"]).trim()).toBe("");
  });

  it("server-side apply of the cdk8s output creates every object, and re-applying it changes nothing", () => {
    const manifest = cdk8sSynthText();
    const file = join(work, "cdk8s.yaml");
    writeFileSync(file, manifest);
    const objects = parseManifests(manifest);
    kubectlOk(["create", "namespace", "hft-cdk8s"]);
    const out = kubectlOk([
      "apply",
      "--server-side",
      "--field-manager=hft-cdk8s",
      "-n",
      "hft-cdk8s",
      "-f",
      file,
    ]);
    expect(out.trim().split("\n")).toHaveLength(objects.length);
    const stored = getFromServer(manifest, "hft-cdk8s");
    expect([...stored.keys()].sort()).toEqual(objects.map(key).sort());
    const versions = new Map([...stored].map(([k, o]) => [k, o.metadata.resourceVersion]));
    kubectlOk(["apply", "--server-side", "--field-manager=hft-cdk8s", "-n", "hft-cdk8s", "-f", file]);
    const again = getFromServer(manifest, "hft-cdk8s");
    for (const [k, o] of again) expect(o.metadata.resourceVersion, k).toBe(versions.get(k));
    const engine = deployment("hft-cdk8s", "hft-platform-engine");
    expect(engine.spec.template.spec.containers[0].resources.requests).toEqual(
      engine.spec.template.spec.containers[0].resources.limits,
    );
  });
});
