// Helm chart and cdk8s output: lint, render with every values file, validate against the Kubernetes OpenAPI
// schemas offline, and reject bad values through values.schema.json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  cdk8sSynth,
  chartDir,
  helmTemplate,
  helmTemplateText,
  isHelmHook,
  type K8sObject,
  kubeVersion,
  releaseName,
  repoRoot,
  valuesFiles,
} from "./lib/render.js";
import { assertTools, checkTools, run } from "./lib/tools.js";
import { validateObjects } from "./lib/validate.js";

const tools = checkTools(["helm"]);

describe.skipIf(tools.skip)("helm chart renders and validates", () => {
  let helm: string;
  let tmp: string;
  beforeAll(() => {
    assertTools(tools);
    helm = tools.paths.helm;
    tmp = mkdtempSync(join(tmpdir(), "hft-helm-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("helm lint --strict is clean with default values and every values file", () => {
    for (const args of [[], ...valuesFiles.map((f) => ["-f", f.path])]) {
      const r = run(helm, ["lint", chartDir, "--strict", "--kube-version", kubeVersion, ...args]);
      expect(r.stderr + r.stdout, args.join(" ")).toContain("0 chart(s) failed");
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  it.each([{ name: "default", path: "" }, ...valuesFiles])(
    "$name values render valid Kubernetes objects",
    ({ path }) => {
      const objects = helmTemplate(helm, path ? ["-f", path] : []);
      expect(objects.length).toBeGreaterThan(15);
      expect(validateObjects(objects)).toEqual([]);
      for (const o of objects)
        expect(o.metadata.name.length, `${o.kind}/${o.metadata.name}`).toBeLessThanOrEqual(63);
    },
  );

  it("the validator itself rejects an invalid object (the check can fail)", () => {
    const objects = helmTemplate(helm);
    const engine = structuredClone(
      objects.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-engine"))!,
    );
    engine.spec.template.spec.containers[0].ports[0].containerPort = "grpc-port";
    expect(validateObjects([engine]).join("\n")).toMatch(/containerPort/);
  });

  it("rejects a typo'd key, a fractional engine CPU count and a wrong type (values.schema.json)", () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["typo", { engine: { cpu: 2 } }, /additional properties 'cpu' not allowed/],
      [
        "nested typo",
        { postgresql: { persistence: { sise: "1Gi" } } },
        /additional properties 'sise' not allowed/,
      ],
      [
        "top-level typo",
        { networkPolicies: { enabled: false } },
        /additional properties 'networkPolicies' not allowed/,
      ],
      ["fractional cpus", { engine: { cpus: 1.5 } }, /engine\/cpus/],
      ["bad type", { backend: { replicas: "two" } }, /backend\/replicas/],
      ["two writers of the trading state", { backend: { replicas: 2 } }, /backend\/replicas/],
      ["bad pull policy", { image: { pullPolicy: "Sometimes" } }, /pullPolicy/],
    ];
    for (const [name, values, message] of cases) {
      const file = join(tmp, `${name.replace(/ /g, "-")}.yaml`);
      writeFileSync(file, JSON.stringify(values));
      const r = run(helm, ["template", releaseName, chartDir, "--kube-version", kubeVersion, "-f", file]);
      expect(r.status, name).not.toBe(0);
      expect(r.stderr, name).toMatch(message);
    }
  });

  it("existingSecret values create no credentials Secret and reference the existing ones", () => {
    const objects = helmTemplate(helm, ["-f", valuesFiles.find((f) => f.name === "existing-secret")!.path]);
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    const refs = JSON.stringify(objects.filter((o) => o.kind !== "Secret"));
    expect(refs).toContain('"name":"hft-db-credentials","key":"db-password"');
    expect(refs).toContain('"name":"hft-backend-auth","key":"token-secret"');
  });

  it("monitoring values add ServiceMonitors, a PrometheusRule and a dashboard with the release labels", () => {
    const objects = helmTemplate(helm, ["-f", valuesFiles.find((f) => f.name === "monitoring")!.path]);
    const monitors = objects.filter((o) => o.kind === "ServiceMonitor");
    expect(monitors.map((o) => o.metadata.name).sort()).toEqual([
      "hft-platform-backend",
      "hft-platform-engine",
    ]);
    for (const m of [...monitors, ...objects.filter((o) => o.kind === "PrometheusRule")]) {
      expect(m.metadata.labels?.release).toBe("kube-prometheus-stack");
    }
    const dashboard = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1",
    );
    expect(JSON.parse(dashboard?.data["hft-platform.json"]).uid).toBe("hft-platform");
    // Prometheus may scrape the engine's metrics port (and only that port) when monitoring is on.
    const enginePolicy = objects.find(
      (o) => o.kind === "NetworkPolicy" && o.metadata.name === "hft-platform-engine",
    );
    const metricsRule = enginePolicy?.spec.ingress.find(
      (r: { ports: Array<{ port: string }> }) => r.ports[0].port === "metrics",
    );
    expect(metricsRule.from[0].namespaceSelector.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "monitoring",
    });
    // Default values: no monitoring objects and no metrics ingress.
    const plain = helmTemplate(helm);
    expect(plain.filter((o) => o.apiVersion.startsWith("monitoring.coreos.com"))).toEqual([]);
  });

  it("image registry, tag and pull policy are overridable", () => {
    const objects = helmTemplate(helm, [
      "--set",
      "image.registry=reg.example:5000/team,image.tag=9.9.9,image.pullPolicy=Always,engine.image.tag=e1",
    ]);
    const images = objects.flatMap((o) =>
      (o.spec?.template?.spec?.containers ?? o.spec?.containers ?? []).map(
        (c: { image: string; imagePullPolicy: string; name: string }) => c,
      ),
    );
    expect(images.find((c) => c.name === "backend")).toMatchObject({
      image: "reg.example:5000/team/hft-backend:9.9.9",
      imagePullPolicy: "Always",
    });
    expect(images.find((c) => c.name === "engine")?.image).toBe("reg.example:5000/team/hft-engine:e1");
    const local = helmTemplate(helm, ["--set", "image.registry=,image.tag=ci"]);
    expect(JSON.stringify(local)).toContain('"image":"hft-frontend:ci"');
  });

  it("engine core count is configurable and stays Guaranteed; dedicated-node scheduling is passed through", () => {
    const objects = helmTemplate(helm, ["-f", valuesFiles.find((f) => f.name === "production")!.path]);
    const pod = objects.find((o) => o.metadata.name === "hft-platform-engine" && o.kind === "Deployment")!
      .spec.template.spec;
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: "4", memory: "8Gi" },
      limits: { cpu: "4", memory: "8Gi" },
    });
    expect(pod.nodeSelector).toEqual({ "hft-platform.io/role": "engine" });
    expect(pod.tolerations[0]).toMatchObject({ key: "hft-platform.io/engine", effect: "NoSchedule" });
    expect(pod.affinity.nodeAffinity).toBeDefined();
    expect(pod.priorityClassName).toBe("system-cluster-critical");
  });

  it("the engine ConfigMap carries services/engine/config.yaml (chart default == engine default)", () => {
    const objects = helmTemplate(helm);
    const cm = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === "hft-platform-engine-config",
    )!;
    const engineDefault = parse(readFileSync(join(repoRoot, "services/engine/config.yaml"), "utf8"));
    expect(parse(cm.data["config.yaml"])).toEqual(engineDefault);
  });

  it("renders the helm test hook (engine gRPC health + backend /health) as a valid Pod", () => {
    const hooks = helmTemplate(helm).filter(isHelmHook);
    expect(hooks.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Pod/hft-platform-test"]);
    const script = hooks[0].spec.containers[0].command.join(" ");
    expect(script).toContain("grpc-health-probe -addr=hft-platform-engine:50051");
    expect(script).toContain("http://hft-platform-backend:8000/health");
    expect(validateObjects(hooks)).toEqual([]);
    expect(helmTemplateText(helm, ["--set", "tests.enabled=false"])).not.toContain("helm.sh/hook");
  });
});

describe("cdk8s app", () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = cdk8sSynth();
  });

  it("synthesizes valid Kubernetes objects", () => {
    expect(objects.length).toBeGreaterThan(15);
    expect(validateObjects(objects)).toEqual([]);
  });

  it("carries services/engine/config.yaml verbatim", () => {
    const cm = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === "hft-platform-engine-config",
    )!;
    expect(cm.data["config.yaml"]).toBe(readFileSync(join(repoRoot, "services/engine/config.yaml"), "utf8"));
  });

  it("rejects an unknown key and a fractional core count in an overrides file", () => {
    const dir = mkdtempSync(join(tmpdir(), "hft-cdk8s-bad-"));
    try {
      for (const [name, body, message] of [
        ["typo", { engine: { cpu: 2 } }, /unknown key "cpu"/],
        ["fraction", { engine: { cpus: 1.5 } }, /positive integer/],
      ] as const) {
        const file = join(dir, `${name}.yaml`);
        writeFileSync(file, JSON.stringify(body));
        expect(() => cdk8sSynth(file)).toThrow(message);
      }
      const ok = join(dir, "ok.yaml");
      writeFileSync(
        ok,
        JSON.stringify({ engine: { cpus: 4, nodeSelector: { "hft-platform.io/role": "engine" } } }),
      );
      const engine = cdk8sSynth(ok).find(
        (o) => o.kind === "Deployment" && o.metadata.name === "hft-platform-engine",
      )!;
      expect(engine.spec.template.spec.containers[0].resources.limits.cpu).toBe("4");
      expect(engine.spec.template.spec.nodeSelector).toEqual({ "hft-platform.io/role": "engine" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
