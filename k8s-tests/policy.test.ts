// Platform policies on both outputs: engine Guaranteed with whole cores, requests/limits/probes/restricted
// securityContext everywhere, Postgres StatefulSet with a PVC template, NetworkPolicies isolating engine and
// database, app.kubernetes.io labels.
import { describe, expect, it } from "vitest";
import {
  allViolations,
  checkEnginePinning,
  checkNetworkPolicies,
  checkPostgres,
  checkResources,
  checkSecurityContext,
  checkSingleWriters,
} from "./lib/policy.js";
import { cdk8sSynth, helmTemplate, type K8sObject, valuesFiles } from "./lib/render.js";
import { assertTools, checkTools } from "./lib/tools.js";

const tools = checkTools(["helm"]);

describe.skipIf(tools.skip)("policies on the Helm chart", () => {
  it.each([{ name: "default", path: "" }, ...valuesFiles])(
    "$name values satisfy every policy",
    ({ path }) => {
      assertTools(tools);
      const objects = helmTemplate(tools.paths.helm, path ? ["-f", path] : []);
      expect(allViolations(objects, "Helm", { allowTestPod: true })).toEqual([]);
    },
  );

  it("NetworkPolicies are on by default and can be switched off", () => {
    assertTools(tools);
    expect(helmTemplate(tools.paths.helm).filter((o) => o.kind === "NetworkPolicy")).toHaveLength(2);
    const off = helmTemplate(tools.paths.helm, ["--set", "networkPolicy.enabled=false"]);
    expect(checkNetworkPolicies(off, { allowTestPod: true })).toContain(
      "no NetworkPolicy selects the engine pods",
    );
  });
});

describe("policies on the cdk8s output", () => {
  it("default config satisfies every policy", () => {
    expect(allViolations(cdk8sSynth(), "cdk8s", { allowTestPod: false })).toEqual([]);
  });
});

// The checks must be able to fail: break each rule on a copy of a good output and expect the violation.
describe("the policy checks detect violations", () => {
  const good = () => structuredClone(cdk8sSynth()) as K8sObject[];
  const find = (objects: K8sObject[], kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name)!;

  it("engine not Guaranteed / fractional CPU / sidecar unsized", () => {
    let objects = good();
    find(
      objects,
      "Deployment",
      "hft-platform-engine",
    ).spec.template.spec.containers[0].resources.requests.cpu = "1500m";
    expect(checkEnginePinning(objects).join()).toMatch(/cpu request 1500m != limit 2/);
    objects = good();
    const c = find(objects, "Deployment", "hft-platform-engine").spec.template.spec.containers[0];
    c.resources = { requests: { cpu: "1500m", memory: "1Gi" }, limits: { cpu: "1500m", memory: "1Gi" } };
    expect(checkEnginePinning(objects).join()).toMatch(/not a whole number of cores/);
    objects = good();
    find(objects, "Deployment", "hft-platform-engine").spec.template.spec.containers.push({
      name: "log-shipper",
      image: "busybox",
      resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
    });
    expect(checkEnginePinning(objects).join()).toMatch(/log-shipper/);
  });

  it("two backend replicas / a rolling update of a single writer", () => {
    const objects = good();
    const backend = find(objects, "Deployment", "hft-platform-backend");
    (backend.spec as { replicas: number }).replicas = 2;
    expect(checkSingleWriters(objects)).toContain("hft-platform-backend: 2 replicas of a single writer");
    (find(objects, "Deployment", "hft-platform-engine").spec as { strategy: unknown }).strategy = {
      type: "RollingUpdate",
    };
    expect(checkSingleWriters(objects)).toContain("hft-platform-engine: rollout strategy is not Recreate");
  });

  it("missing limits, writable root fs, root user, open database", () => {
    let objects = good();
    delete find(objects, "Deployment", "hft-platform-web").spec.template.spec.containers[0].resources.limits;
    expect(checkResources(objects)).toContain("Deployment/hft-platform-web container web: no limits.cpu");
    objects = good();
    find(
      objects,
      "StatefulSet",
      "hft-platform-postgresql",
    ).spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    find(objects, "Deployment", "hft-platform-backend").spec.template.spec.securityContext.runAsUser = 0;
    const v = checkSecurityContext(objects);
    expect(v).toContain("StatefulSet/hft-platform-postgresql container postgresql: root filesystem writable");
    expect(v).toContain("Deployment/hft-platform-backend container backend: runs as uid 0");
    objects = good();
    find(objects, "NetworkPolicy", "hft-platform-postgresql").spec.ingress[0].from.push({
      podSelector: { matchLabels: { "app.kubernetes.io/component": "web" } },
    });
    expect(checkNetworkPolicies(objects, { allowTestPod: false }).join()).toMatch(
      /admits Deployment\/hft-platform-web/,
    );
    objects = good();
    delete find(objects, "StatefulSet", "hft-platform-postgresql").spec.volumeClaimTemplates;
    expect(checkPostgres(objects)).toContain("PostgreSQL StatefulSet has no volumeClaimTemplates");
  });
});
