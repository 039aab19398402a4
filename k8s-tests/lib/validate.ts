// Offline OpenAPI validation with kubernetes-models (JSON schemas generated from the Kubernetes OpenAPI spec).
// CRD kinds (prometheus-operator) have no bundled schema: they get a structural check instead.
import * as models from "kubernetes-models";
import type { K8sObject } from "./render.js";

interface ModelClass {
  new (data: unknown): { validate(): void };
}

// "apps/v1" => models.apps.v1, "v1" => models.v1, "networking.k8s.io/v1" => models.networkingK8sIo.v1
function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const groupKey =
    group === "" ? undefined : group.replace(/\.([a-z])/g, (_, ch: string) => ch.toUpperCase());
  const root = models as unknown as Record<string, Record<string, Record<string, ModelClass>>>;
  const versions = groupKey
    ? root[groupKey]
    : (models as unknown as Record<string, Record<string, ModelClass>>);
  const byKind = groupKey
    ? versions?.[version]
    : (versions as Record<string, Record<string, ModelClass>>)[version];
  return byKind?.[kind];
}

const crdChecks: Record<string, (o: K8sObject) => string[]> = {
  "monitoring.coreos.com/v1/ServiceMonitor": (o) =>
    [
      !o.spec?.selector?.matchLabels && "spec.selector.matchLabels missing",
      !(o.spec?.endpoints?.length > 0) && "spec.endpoints empty",
      ...(o.spec?.endpoints ?? []).map(
        (e: { port?: string }, i: number) => !e.port && `endpoints[${i}].port missing`,
      ),
    ].filter((x): x is string => typeof x === "string"),
  "monitoring.coreos.com/v1/PrometheusRule": (o) =>
    (o.spec?.groups ?? []).flatMap(
      (g: { name?: string; rules?: Array<{ alert?: string; expr?: string }> }) => [
        ...(g.name ? [] : ["group without name"]),
        ...(g.rules ?? [])
          .filter((r) => !r.alert || !r.expr)
          .map(() => `rule in ${g.name} without alert/expr`),
      ],
    ),
};

/** Returns validation errors ("Kind/name: message"); empty when every object is valid. */
export function validateObjects(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (!o.metadata?.name) errors.push(`${id}: metadata.name missing`);
    const crd = crdChecks[`${o.apiVersion}/${o.kind}`];
    if (crd) {
      errors.push(...crd(o).map((e) => `${id}: ${e}`));
      continue;
    }
    const Model = modelFor(o.apiVersion, o.kind);
    if (!Model) {
      errors.push(`${id}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (err) {
      errors.push(`${id}: ${(err as Error).message}`);
    }
  }
  return errors;
}
