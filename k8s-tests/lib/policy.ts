// Platform policies checked on both outputs (Helm and cdk8s). Each check returns human-readable violations so a
// failing test says exactly which object/container broke which rule.
import type { K8sObject } from "./render.js";

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes container/pod bodies are inspected structurally
type Json = any;

export interface PodOwner {
  id: string;
  kind: string;
  component: string | undefined;
  pod: Json;
  /** Deployments and StatefulSets: their containers must have probes. */
  longRunning: boolean;
}

export function podOwners(objects: K8sObject[]): PodOwner[] {
  const owners: PodOwner[] = [];
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    const pod = o.kind === "Pod" ? o.spec : o.spec?.template?.spec;
    if (!["Deployment", "StatefulSet", "Job", "Pod", "DaemonSet"].includes(o.kind) || !pod) continue;
    const labels = o.kind === "Pod" ? o.metadata.labels : o.spec.template.metadata?.labels;
    owners.push({
      id,
      kind: o.kind,
      component: labels?.["app.kubernetes.io/component"],
      pod,
      longRunning: o.kind !== "Job" && o.kind !== "Pod",
    });
  }
  return owners;
}

const allContainers = (pod: Json): Array<{ c: Json; init: boolean }> => [
  ...(pod.initContainers ?? []).map((c: Json) => ({ c, init: true })),
  ...(pod.containers ?? []).map((c: Json) => ({ c, init: false })),
];

/** CPU quantity in millicores ("2" => 2000, "250m" => 250). */
export function milliCpu(q: string | number | undefined): number {
  if (q === undefined) return Number.NaN;
  const s = String(q);
  return s.endsWith("m") ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const decimal: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
export function bytes(q: string | number | undefined): number {
  if (q === undefined) return Number.NaN;
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q));
  if (!m) return Number.NaN;
  const unit = m[2];
  return Number(m[1]) * (unit === "" ? 1 : (binary[unit] ?? decimal[unit] ?? Number.NaN));
}

export function checkResources(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const owner of podOwners(objects)) {
    for (const { c } of allContainers(owner.pod)) {
      const r = c.resources ?? {};
      for (const kind of ["requests", "limits"] as const) {
        for (const res of ["cpu", "memory"] as const) {
          if (r[kind]?.[res] === undefined) v.push(`${owner.id} container ${c.name}: no ${kind}.${res}`);
        }
      }
    }
  }
  return v;
}

export function checkSecurityContext(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const owner of podOwners(objects)) {
    const podSc = owner.pod.securityContext ?? {};
    if (owner.pod.automountServiceAccountToken !== false)
      v.push(`${owner.id}: mounts a service account token`);
    if (owner.pod.hostNetwork || owner.pod.hostPID || owner.pod.hostIPC)
      v.push(`${owner.id}: uses host namespaces`);
    for (const { c } of allContainers(owner.pod)) {
      const sc = c.securityContext ?? {};
      const where = `${owner.id} container ${c.name}`;
      if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) v.push(`${where}: runAsNonRoot not true`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) v.push(`${where}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) v.push(`${where}: root filesystem writable`);
      if (sc.allowPrivilegeEscalation !== false) v.push(`${where}: allowPrivilegeEscalation not false`);
      if (sc.privileged) v.push(`${where}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) v.push(`${where}: capabilities not dropped`);
      if ((sc.capabilities?.add ?? []).length > 0) v.push(`${where}: adds capabilities`);
      const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
        v.push(`${where}: seccompProfile ${seccomp}`);
    }
  }
  return v;
}

export function checkProbes(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const owner of podOwners(objects).filter((o) => o.longRunning)) {
    for (const c of owner.pod.containers ?? []) {
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        if (!c[probe]) v.push(`${owner.id} container ${c.name}: no ${probe}`);
      }
    }
  }
  return v;
}

/**
 * Guaranteed QoS with whole cores for every container of the engine pod (init containers included): the kubelet's
 * static CPU manager only grants exclusive cores to such pods.
 */
export function checkEnginePinning(objects: K8sObject[]): string[] {
  const engines = podOwners(objects).filter((o) => o.component === "engine" && o.longRunning);
  if (engines.length !== 1) return [`expected one engine workload, found ${engines.length}`];
  const v: string[] = [];
  const engine = engines[0];
  if (engine.kind !== "Deployment") v.push(`${engine.id}: engine is not a Deployment`);
  for (const { c } of allContainers(engine.pod)) {
    const where = `${engine.id} container ${c.name}`;
    const { requests = {}, limits = {} } = c.resources ?? {};
    const cpu = milliCpu(limits.cpu);
    if (!(cpu >= 1000) || cpu % 1000 !== 0)
      v.push(`${where}: cpu limit ${limits.cpu} is not a whole number of cores`);
    if (milliCpu(requests.cpu) !== cpu)
      v.push(`${where}: cpu request ${requests.cpu} != limit ${limits.cpu}`);
    const mem = bytes(limits.memory);
    if (!(mem > 0)) v.push(`${where}: no memory limit`);
    if (bytes(requests.memory) !== mem)
      v.push(`${where}: memory request ${requests.memory} != limit ${limits.memory}`);
    for (const res of Object.keys({ ...requests, ...limits })) {
      if (res !== "cpu" && res !== "memory" && String(requests[res]) !== String(limits[res])) {
        v.push(`${where}: ${res} request != limit`);
      }
    }
  }
  for (const c of engine.pod.containers) {
    for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
      if (c.name === "engine" && !c[probe]?.grpc) v.push(`${engine.id}: ${probe} is not a native gRPC probe`);
    }
  }
  return v;
}

/**
 * Single writers of in-memory state (the engine's order books, the backend's risk/positions/cash): at most one
 * replica, and Recreate so that a rollout never runs two at once.
 */
export function checkSingleWriters(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const component of ["engine", "backend"]) {
    for (const d of objects.filter(
      (o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/component"] === component,
    )) {
      const spec = d.spec as { replicas?: number; strategy?: { type?: string } };
      if ((spec.replicas ?? 1) > 1)
        v.push(`${d.metadata.name}: ${spec.replicas} replicas of a single writer`);
      if (spec.strategy?.type !== "Recreate") v.push(`${d.metadata.name}: rollout strategy is not Recreate`);
    }
  }
  return v;
}

export function checkPostgres(objects: K8sObject[]): string[] {
  const v: string[] = [];
  const sts = objects.filter(
    (o) =>
      o.kind === "StatefulSet" &&
      o.spec.template.metadata.labels["app.kubernetes.io/component"] === "postgresql",
  );
  if (sts.length !== 1) return [`expected one PostgreSQL StatefulSet, found ${sts.length}`];
  const s = sts[0];
  if ((s.spec.volumeClaimTemplates ?? []).length === 0)
    v.push("PostgreSQL StatefulSet has no volumeClaimTemplates");
  const claim = s.spec.volumeClaimTemplates?.[0]?.metadata?.name;
  const c = s.spec.template.spec.containers[0];
  if (!c.volumeMounts?.some((m: Json) => m.name === claim && m.mountPath.startsWith("/var/lib/postgresql"))) {
    v.push("the PVC template is not mounted at the data directory");
  }
  const headless = objects.find((o) => o.kind === "Service" && o.metadata.name === s.spec.serviceName);
  if (!headless) v.push(`serviceName ${s.spec.serviceName} has no Service`);
  else if (headless.spec.clusterIP !== "None") v.push(`Service ${headless.metadata.name} is not headless`);
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    if (!JSON.stringify(c[probe]?.exec?.command ?? []).includes("pg_isready"))
      v.push(`${probe} does not use pg_isready`);
  }
  const password = (c.env ?? []).find((e: Json) => e.name === "POSTGRES_PASSWORD");
  if (!password?.valueFrom?.secretKeyRef) v.push("POSTGRES_PASSWORD does not come from a Secret");
  return v;
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, val]) => labels?.[k] === val);
}

/**
 * The engine accepts only backend (and helm-test) pods on gRPC; the database only backend and migration pods.
 * Peers are resolved against the rendered pod templates, so a selector typo shows up as "admits nothing".
 */
export function checkNetworkPolicies(objects: K8sObject[], opts: { allowTestPod: boolean }): string[] {
  const v: string[] = [];
  const owners = podOwners(objects);
  const podLabels = (o: PodOwner) => {
    const obj = objects.find((x) => `${x.kind}/${x.metadata.name}` === o.id)!;
    return (obj.kind === "Pod" ? obj.metadata.labels : obj.spec.template.metadata.labels) as Record<
      string,
      string
    >;
  };
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const rules: Array<[string, string[]]> = [
    ["engine", opts.allowTestPod ? ["backend", "test"] : ["backend"]],
    ["postgresql", ["backend", "migrate"]],
  ];
  for (const [target, allowed] of rules) {
    const targetOwner = owners.find((o) => o.component === target && o.longRunning);
    if (!targetOwner) {
      v.push(`no ${target} workload`);
      continue;
    }
    const selecting = policies.filter((p) =>
      matches(p.spec.podSelector?.matchLabels ?? {}, podLabels(targetOwner)),
    );
    if (selecting.length === 0) {
      v.push(`no NetworkPolicy selects the ${target} pods`);
      continue;
    }
    for (const p of selecting) {
      if (!(p.spec.policyTypes ?? []).includes("Ingress"))
        v.push(`${p.metadata.name}: not an Ingress policy`);
      for (const rule of p.spec.ingress ?? []) {
        const ports = (rule.ports ?? []).map((x: Json) => String(x.port));
        if (ports.length === 0) v.push(`${p.metadata.name}: a rule admits all ports`);
        if (!rule.from || rule.from.length === 0) v.push(`${p.metadata.name}: a rule admits every source`);
        if (ports.includes("metrics")) continue; // Prometheus scraping, checked separately
        for (const peer of rule.from ?? []) {
          if (peer.ipBlock || peer.namespaceSelector)
            v.push(`${p.metadata.name}: admits a namespace/IP block on ${ports}`);
          const admitted = owners.filter((o) => matches(peer.podSelector?.matchLabels ?? {}, podLabels(o)));
          for (const o of admitted) {
            if (!allowed.includes(o.component ?? ""))
              v.push(`${p.metadata.name}: admits ${o.id} (${o.component})`);
          }
        }
      }
      const admittedComponents = new Set(
        (p.spec.ingress ?? []).flatMap((rule: Json) =>
          (rule.from ?? []).flatMap((peer: Json) =>
            owners
              .filter((o) => peer.podSelector && matches(peer.podSelector.matchLabels ?? {}, podLabels(o)))
              .map((o) => o.component),
          ),
        ),
      );
      for (const need of allowed.filter((a) => a !== "test")) {
        if (!admittedComponents.has(need)) v.push(`${p.metadata.name}: does not admit ${need}`);
      }
    }
  }
  return v;
}

export function checkLabels(objects: K8sObject[], managedBy: string): string[] {
  const v: string[] = [];
  const required = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
  ];
  for (const o of objects) {
    const labels = o.metadata.labels ?? {};
    for (const key of required) if (!labels[key]) v.push(`${o.kind}/${o.metadata.name}: no ${key}`);
    if (labels["app.kubernetes.io/managed-by"] && labels["app.kubernetes.io/managed-by"] !== managedBy) {
      v.push(`${o.kind}/${o.metadata.name}: managed-by ${labels["app.kubernetes.io/managed-by"]}`);
    }
  }
  for (const owner of podOwners(objects)) {
    if (!owner.component) v.push(`${owner.id}: pod template has no app.kubernetes.io/component`);
  }
  for (const o of objects.filter((x) => ["Deployment", "StatefulSet"].includes(x.kind))) {
    if (!matches(o.spec.selector.matchLabels, o.spec.template.metadata.labels))
      v.push(`${o.kind}/${o.metadata.name}: selector does not match its pods`);
    if (o.spec.selector.matchLabels["app.kubernetes.io/version"])
      v.push(`${o.kind}/${o.metadata.name}: version in the immutable selector`);
  }
  for (const s of objects.filter((x) => x.kind === "Service")) {
    if (!owners(objects).some((lbls) => matches(s.spec.selector ?? {}, lbls)))
      v.push(`Service/${s.metadata.name}: selects no pods`);
  }
  return v;
}

function owners(objects: K8sObject[]): Array<Record<string, string>> {
  return objects
    .filter((o) => ["Deployment", "StatefulSet"].includes(o.kind))
    .map((o) => o.spec.template.metadata.labels as Record<string, string>);
}

/** Every policy at once, for a complete output (default values). */
export function allViolations(
  objects: K8sObject[],
  managedBy: string,
  opts: { allowTestPod: boolean },
): string[] {
  return [
    ...checkResources(objects),
    ...checkSecurityContext(objects),
    ...checkProbes(objects),
    ...checkEnginePinning(objects),
    ...checkSingleWriters(objects),
    ...checkPostgres(objects),
    ...checkNetworkPolicies(objects, opts),
    ...checkLabels(objects, managedBy),
  ];
}
