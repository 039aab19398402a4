// Parity: the Helm chart with default values and the cdk8s app with its default config must produce the same
// objects (kind, name) and the same key fields, so the two deployment paths cannot drift apart.
import { describe, expect, it } from "vitest";
import { cdk8sSynth, helmTemplate, isHelmHook, type K8sObject } from "./lib/render.js";
import { assertTools, checkTools } from "./lib/tools.js";

const tools = checkTools(["helm"]);

// Migration Jobs are named per release (Helm: revision, cdk8s: image tag) because their pod template is immutable.
const key = (o: K8sObject) =>
  `${o.kind}/${o.metadata.name.replace(/-migrate-[a-z0-9-]+$/, "-migrate-<release>")}`;

// biome-ignore lint/suspicious/noExplicitAny: structural comparison of Kubernetes bodies
type Json = any;

/** The fields that must agree, normalized (quantities as strings, defaults made explicit). */
function essentials(o: K8sObject): Json {
  const pod = o.kind === "Pod" ? o.spec : o.spec?.template?.spec;
  const containers = (list: Json[] = []) =>
    list.map((c) => ({
      name: c.name,
      image: c.image,
      imagePullPolicy: c.imagePullPolicy,
      command: c.command,
      ports: c.ports,
      env: c.env,
      resources: JSON.parse(JSON.stringify(c.resources ?? {}), (_k, v) =>
        typeof v === "number" ? String(v) : v,
      ),
      probes: { liveness: c.livenessProbe, readiness: c.readinessProbe, startup: c.startupProbe },
      securityContext: c.securityContext,
      volumeMounts: c.volumeMounts,
    }));
  switch (o.kind) {
    case "Deployment":
    case "StatefulSet":
    case "Job":
      return {
        replicas: o.spec.replicas,
        selector: o.spec.selector,
        strategy: o.spec.strategy ?? o.spec.updateStrategy,
        serviceName: o.spec.serviceName,
        volumeClaimTemplates: o.spec.volumeClaimTemplates?.map((t: Json) => t.spec),
        podSecurityContext: pod.securityContext,
        serviceAccountName: pod.serviceAccountName,
        nodeSelector: pod.nodeSelector,
        tolerations: pod.tolerations,
        volumes: pod.volumes,
        initContainers: containers(pod.initContainers),
        containers: containers(pod.containers),
      };
    case "Service":
      return {
        type: o.spec.type,
        clusterIP: o.spec.clusterIP,
        selector: o.spec.selector,
        ports: o.spec.ports,
      };
    case "PodDisruptionBudget":
      return o.spec;
    case "NetworkPolicy":
      // Helm additionally admits the `helm test` pod (cdk8s has no test hook).
      return {
        ...o.spec,
        ingress: o.spec.ingress.map((r: Json) => ({
          ...r,
          from: r.from.filter(
            (p: Json) => p.podSelector?.matchLabels?.["app.kubernetes.io/component"] !== "test",
          ),
        })),
      };
    case "ConfigMap":
      return Object.keys(o.data ?? {});
    case "Secret":
      return { type: o.type, keys: Object.keys({ ...o.data, ...o.stringData }).sort() };
    default:
      return o.spec ?? null;
  }
}

describe.skipIf(tools.skip)("Helm default values == cdk8s default config", () => {
  const load = () => {
    assertTools(tools);
    const helm = helmTemplate(tools.paths.helm).filter((o) => !isHelmHook(o));
    return { helm, cdk8s: cdk8sSynth() };
  };

  it("produce the same set of (kind, name)", () => {
    const { helm, cdk8s } = load();
    expect(cdk8s.map(key).sort()).toEqual(helm.map(key).sort());
  });

  it("agree on images, ports, env, resources, probes, security contexts, volumes and selectors", () => {
    const { helm, cdk8s } = load();
    const byKey = new Map(cdk8s.map((o) => [key(o), o]));
    for (const h of helm) {
      const c = byKey.get(key(h));
      expect(c, key(h)).toBeDefined();
      expect(essentials(c!), key(h)).toEqual(essentials(h));
    }
  });

  it("agree on the common labels (except managed-by and helm.sh/chart)", () => {
    const { helm, cdk8s } = load();
    const strip = (l: Record<string, string> = {}) => {
      const { "app.kubernetes.io/managed-by": _m, "helm.sh/chart": _c, ...rest } = l;
      return rest;
    };
    const byKey = new Map(cdk8s.map((o) => [key(o), o]));
    for (const h of helm)
      expect(strip(byKey.get(key(h))?.metadata.labels), key(h)).toEqual(strip(h.metadata.labels));
  });
});
