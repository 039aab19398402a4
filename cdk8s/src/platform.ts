// The whole platform as cdk8s constructs (L1 API objects from cdk8s-plus-34's generated k8s types, so every field
// is typed against the Kubernetes API). Object names, images, ports, resources and probes match the Helm chart.
import { randomBytes } from "node:crypto";
import { Chart, type ChartProps } from "cdk8s";
import { k8s } from "cdk8s-plus-34";
import type { Construct } from "constructs";
import { checkConfig, type PlatformConfig, type Resources, type Scheduling } from "./config.js";

type Component = "engine" | "backend" | "web" | "postgresql" | "migrate";

const q = (v: string | number) => k8s.Quantity.fromString(String(v));
const port = (name: string) => k8s.IntOrString.fromString(name);

/** Restricted Pod Security Standard: every container runs with this. */
export const restrictedSecurityContext: k8s.SecurityContext = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

function podSecurityContext(uid: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

function resources(r: Resources): k8s.ResourceRequirements {
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory) },
    limits: { cpu: q(r.limits.cpu), memory: q(r.limits.memory) },
  };
}

function scheduling(s: Scheduling): Pick<k8s.PodSpec, "nodeSelector" | "tolerations"> {
  return {
    ...(Object.keys(s.nodeSelector).length > 0 ? { nodeSelector: s.nodeSelector } : {}),
    ...(s.tolerations.length > 0 ? { tolerations: s.tolerations } : {}),
  };
}

function httpProbes(
  path: string,
  liveness: k8s.Probe,
): Pick<k8s.Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
  return {
    startupProbe: { httpGet: { path, port: port("http") }, periodSeconds: 2, failureThreshold: 60 },
    livenessProbe: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, ...liveness },
    readinessProbe: {
      httpGet: { path, port: port("http") },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 2,
    },
  };
}

export class HftPlatform extends Chart {
  private readonly config: PlatformConfig;

  constructor(scope: Construct, id: string, config: PlatformConfig, props: ChartProps = {}) {
    super(scope, id, { ...props, ...(config.namespace ? { namespace: config.namespace } : {}) });
    checkConfig(config);
    this.config = config;
    this.serviceAccount();
    this.secrets();
    this.engine();
    this.backend();
    this.web();
    this.postgresql();
    this.migration();
    this.disruptionBudgets();
    if (config.networkPolicy) this.networkPolicies();
  }

  name(component?: string): string {
    return component ? `${this.config.name}-${component}` : this.config.name;
  }

  selector(component: Component | "test"): Record<string, string> {
    return {
      "app.kubernetes.io/name": "hft-platform",
      "app.kubernetes.io/instance": this.config.name,
      "app.kubernetes.io/component": component,
    };
  }

  objectLabels(component?: Component): Record<string, string> {
    const base = {
      "app.kubernetes.io/name": "hft-platform",
      "app.kubernetes.io/instance": this.config.name,
      "app.kubernetes.io/version": this.config.version,
      "app.kubernetes.io/managed-by": "cdk8s",
      "app.kubernetes.io/part-of": "hft-platform",
    };
    return component ? { ...base, "app.kubernetes.io/component": component } : base;
  }

  private meta(name: string, component?: Component): k8s.ObjectMeta {
    return { name, labels: this.objectLabels(component) };
  }

  private image(repository: string): string {
    const { registry, tag } = this.config.image;
    return registry ? `${registry.replace(/\/$/, "")}/${repository}:${tag}` : `${repository}:${tag}`;
  }

  private postgresSecretName(): string {
    return this.config.postgresql.auth.existingSecret || this.name("postgresql");
  }

  private backendSecretName(): string {
    return this.config.backend.auth.existingSecret || this.name("backend");
  }

  /** DATABASE_URL assembled from the credentials Secret ($(VAR) expansion by the kubelet). */
  private databaseEnv(): k8s.EnvVar[] {
    const { auth, port: pgPort } = this.config.postgresql;
    return [
      {
        name: "DATABASE_USER",
        valueFrom: { secretKeyRef: { name: this.postgresSecretName(), key: auth.secretKeys.usernameKey } },
      },
      {
        name: "DATABASE_PASSWORD",
        valueFrom: { secretKeyRef: { name: this.postgresSecretName(), key: auth.secretKeys.passwordKey } },
      },
      {
        name: "DATABASE_URL",
        value: `postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@${this.name("postgresql")}:${pgPort}/${auth.database}`,
      },
    ];
  }

  private podBase(
    uid: number,
  ): Pick<
    k8s.PodSpec,
    "serviceAccountName" | "automountServiceAccountToken" | "enableServiceLinks" | "securityContext"
  > {
    return {
      serviceAccountName: this.name(),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: podSecurityContext(uid),
    };
  }

  private serviceAccount(): void {
    new k8s.KubeServiceAccount(this, "service-account", {
      metadata: { name: this.name(), labels: this.objectLabels() },
      automountServiceAccountToken: false,
    });
  }

  private secrets(): void {
    const { auth } = this.config.postgresql;
    if (!auth.existingSecret) {
      new k8s.KubeSecret(this, "postgresql-secret", {
        metadata: this.meta(this.name("postgresql"), "postgresql"),
        type: "Opaque",
        stringData: {
          [auth.secretKeys.usernameKey]: auth.username,
          [auth.secretKeys.passwordKey]: auth.password || randomBytes(24).toString("base64url"),
        },
      });
    }
    if (!this.config.backend.auth.existingSecret) {
      new k8s.KubeSecret(this, "backend-secret", {
        metadata: this.meta(this.name("backend"), "backend"),
        type: "Opaque",
        stringData: { [this.config.backend.auth.secretKey]: randomBytes(36).toString("base64url") },
      });
    }
  }

  private service(component: Component, ports: k8s.ServicePort[], headless = false): void {
    new k8s.KubeService(this, `${component}-service${headless ? "-headless" : ""}`, {
      metadata: this.meta(headless ? `${this.name(component)}-headless` : this.name(component), component),
      spec: {
        type: "ClusterIP",
        ...(headless ? { clusterIp: "None", publishNotReadyAddresses: true } : {}),
        selector: this.selector(component),
        ports,
      },
    });
  }

  private engine(): void {
    const e = this.config.engine;
    const configName = this.name("engine-config");
    new k8s.KubeConfigMap(this, "engine-config", {
      metadata: this.meta(configName, "engine"),
      data: { "config.yaml": e.configYaml },
    });
    // Guaranteed QoS: integer CPUs and memory with requests == limits => exclusive cores under the static CPU
    // manager. Any other container added to this pod must be sized the same way.
    const pinned = { cpu: q(e.cpus), memory: q(e.memory) };
    new k8s.KubeDeployment(this, "engine", {
      metadata: this.meta(this.name("engine"), "engine"),
      spec: {
        replicas: 1, // order books live in memory: one engine
        strategy: { type: "Recreate" },
        selector: { matchLabels: this.selector("engine") },
        template: {
          metadata: { labels: this.objectLabels("engine") },
          spec: {
            ...this.podBase(1000),
            terminationGracePeriodSeconds: e.terminationGracePeriodSeconds,
            ...scheduling(e),
            containers: [
              {
                name: "engine",
                image: this.image(e.repository),
                imagePullPolicy: this.config.image.pullPolicy,
                env: [
                  { name: "ENGINE_CONFIG", value: "/etc/hft/config.yaml" },
                  { name: "ENGINE_HOST", value: "0.0.0.0" },
                  { name: "ENGINE_PORT", value: String(e.grpcPort) },
                  { name: "ENGINE_METRICS_PORT", value: String(e.metricsPort) },
                  { name: "ENGINE_LIQUIDITY_PROVIDER", value: String(e.liquidityProvider) },
                  { name: "LOG_LEVEL", value: e.logLevel },
                  { name: "UV_THREADPOOL_SIZE", value: String(e.cpus) },
                ],
                ports: [
                  { name: "grpc", containerPort: e.grpcPort, protocol: "TCP" },
                  { name: "metrics", containerPort: e.metricsPort, protocol: "TCP" },
                ],
                startupProbe: { grpc: { port: e.grpcPort }, periodSeconds: 2, failureThreshold: 60 },
                livenessProbe: {
                  grpc: { port: e.grpcPort },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  grpc: { port: e.grpcPort, service: "trading.pb.TradingEngine" },
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 2,
                },
                resources: { requests: pinned, limits: pinned },
                securityContext: restrictedSecurityContext,
                volumeMounts: [
                  { name: "config", mountPath: "/etc/hft", readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: configName } },
              { name: "tmp", emptyDir: { sizeLimit: q(e.tmpSizeLimit) } },
            ],
          },
        },
      },
    });
    this.service("engine", [
      { name: "grpc", port: e.grpcPort, targetPort: port("grpc"), protocol: "TCP", appProtocol: "grpc" },
      { name: "metrics", port: e.metricsPort, targetPort: port("metrics"), protocol: "TCP" },
    ]);
  }

  private backend(): void {
    const b = this.config.backend;
    const m = this.config.migrations;
    new k8s.KubeDeployment(this, "backend", {
      metadata: this.meta(this.name("backend"), "backend"),
      spec: {
        // One writer of the trading state (see charts/hft-platform/values.yaml); Recreate: never two at once.
        replicas: b.replicas,
        strategy: { type: "Recreate" },
        selector: { matchLabels: this.selector("backend") },
        template: {
          metadata: { labels: this.objectLabels("backend") },
          spec: {
            ...this.podBase(1000),
            ...scheduling(b),
            initContainers: [
              {
                // Start serving only once the migration Job has brought the schema up to date.
                name: "wait-for-migrations",
                image: this.image(m.repository),
                imagePullPolicy: this.config.image.pullPolicy,
                command: [
                  "sh",
                  "-c",
                  'until prisma migrate status >/dev/null 2>&1; do\n  echo "waiting for database migrations"; sleep 3\ndone\n',
                ],
                env: [
                  ...this.databaseEnv(),
                  { name: "HOME", value: "/tmp" },
                  { name: "CHECKPOINT_DISABLE", value: "1" },
                ],
                resources: resources(m.resources),
                securityContext: restrictedSecurityContext,
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            containers: [
              {
                name: "backend",
                image: this.image(b.repository),
                imagePullPolicy: this.config.image.pullPolicy,
                env: [
                  { name: "HOST", value: "0.0.0.0" },
                  { name: "PORT", value: String(b.port) },
                  { name: "ENGINE_ADDR", value: `${this.name("engine")}:${this.config.engine.grpcPort}` },
                  ...this.databaseEnv(),
                  {
                    name: "AUTH_SECRET",
                    valueFrom: { secretKeyRef: { name: this.backendSecretName(), key: b.auth.secretKey } },
                  },
                  { name: "WORKER_THREADS", value: String(b.workerThreads) },
                  { name: "MAX_POOL_SIZE", value: String(b.maxPoolSize) },
                  { name: "PRICE_SOURCE", value: b.priceSource },
                  { name: "CORS_ORIGINS", value: b.corsOrigins },
                  { name: "LOG_LEVEL", value: b.logLevel },
                ],
                ports: [{ name: "http", containerPort: b.port, protocol: "TCP" }],
                // Liveness is TCP: /health turns 503 when the engine or database is down; a restart fixes neither.
                ...httpProbes("/ready", { tcpSocket: { port: port("http") } }),
                resources: resources(b.resources),
                securityContext: restrictedSecurityContext,
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: q(b.tmpSizeLimit) } }],
          },
        },
      },
    });
    this.service("backend", [
      { name: "http", port: b.port, targetPort: port("http"), protocol: "TCP", appProtocol: "http" },
    ]);
  }

  private web(): void {
    const w = this.config.web;
    new k8s.KubeDeployment(this, "web", {
      metadata: this.meta(this.name("web"), "web"),
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: this.selector("web") },
        template: {
          metadata: { labels: this.objectLabels("web") },
          spec: {
            ...this.podBase(1000),
            ...scheduling(w),
            containers: [
              {
                name: "web",
                image: this.image(w.repository),
                imagePullPolicy: this.config.image.pullPolicy,
                env: [
                  { name: "PORT", value: String(w.port) },
                  { name: "HOSTNAME", value: "0.0.0.0" },
                  {
                    name: "BACKEND_URL",
                    value: `http://${this.name("backend")}:${this.config.backend.port}`,
                  },
                  { name: "NEXT_TELEMETRY_DISABLED", value: "1" },
                ],
                ports: [{ name: "http", containerPort: w.port, protocol: "TCP" }],
                ...httpProbes("/healthz", { httpGet: { path: "/healthz", port: port("http") } }),
                resources: resources(w.resources),
                securityContext: restrictedSecurityContext,
                volumeMounts: [
                  { name: "tmp", mountPath: "/tmp" },
                  { name: "next-cache", mountPath: "/app/web/.next/cache" },
                ],
              },
            ],
            volumes: [
              { name: "tmp", emptyDir: { sizeLimit: q(w.tmpSizeLimit) } },
              { name: "next-cache", emptyDir: { sizeLimit: q(w.tmpSizeLimit) } },
            ],
          },
        },
      },
    });
    this.service("web", [
      { name: "http", port: w.port, targetPort: port("http"), protocol: "TCP", appProtocol: "http" },
    ]);
  }

  private postgresql(): void {
    const p = this.config.postgresql;
    const name = this.name("postgresql");
    const ready = ["sh", "-c", 'pg_isready -h 127.0.0.1 -p "$PGPORT" -U "$POSTGRES_USER" -d "$POSTGRES_DB"'];
    new k8s.KubeStatefulSet(this, "postgresql", {
      metadata: this.meta(name, "postgresql"),
      spec: {
        replicas: 1,
        serviceName: `${name}-headless`,
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate" },
        selector: { matchLabels: this.selector("postgresql") },
        template: {
          metadata: { labels: this.objectLabels("postgresql") },
          spec: {
            ...this.podBase(999), // the postgres user of the official image
            securityContext: { ...podSecurityContext(999), fsGroupChangePolicy: "OnRootMismatch" },
            terminationGracePeriodSeconds: 60,
            ...scheduling(p),
            containers: [
              {
                name: "postgresql",
                image: p.image,
                imagePullPolicy: "IfNotPresent",
                env: [
                  {
                    name: "POSTGRES_USER",
                    valueFrom: {
                      secretKeyRef: { name: this.postgresSecretName(), key: p.auth.secretKeys.usernameKey },
                    },
                  },
                  {
                    name: "POSTGRES_PASSWORD",
                    valueFrom: {
                      secretKeyRef: { name: this.postgresSecretName(), key: p.auth.secretKeys.passwordKey },
                    },
                  },
                  { name: "POSTGRES_DB", value: p.auth.database },
                  { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                  { name: "PGPORT", value: String(p.port) },
                ],
                ports: [{ name: "postgresql", containerPort: p.port, protocol: "TCP" }],
                startupProbe: { exec: { command: ready }, periodSeconds: 2, failureThreshold: 90 },
                livenessProbe: {
                  exec: { command: ready },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 6,
                },
                readinessProbe: {
                  exec: { command: ready },
                  periodSeconds: 5,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                resources: resources(p.resources),
                securityContext: restrictedSecurityContext,
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/postgresql/data" },
                  { name: "run", mountPath: "/var/run/postgresql" },
                  { name: "tmp", mountPath: "/tmp" },
                  { name: "shm", mountPath: "/dev/shm" },
                ],
              },
            ],
            volumes: [
              { name: "run", emptyDir: { sizeLimit: q("16Mi") } },
              { name: "tmp", emptyDir: { sizeLimit: q("256Mi") } },
              { name: "shm", emptyDir: { medium: "Memory", sizeLimit: q("128Mi") } },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data", labels: this.selector("postgresql") },
            spec: {
              accessModes: ["ReadWriteOnce"],
              ...(p.persistence.storageClass ? { storageClassName: p.persistence.storageClass } : {}),
              resources: { requests: { storage: q(p.persistence.size) } },
            },
          },
        ],
      },
    });
    const ports = [{ name: "postgresql", port: p.port, targetPort: port("postgresql"), protocol: "TCP" }];
    this.service("postgresql", ports);
    this.service("postgresql", ports, true);
  }

  private migration(): void {
    const m = this.config.migrations;
    const p = this.config.postgresql;
    // A Job's pod template is immutable: the name carries the version so each release migrates once.
    new k8s.KubeJob(this, "migrate", {
      metadata: this.meta(
        `${this.name("migrate")}-${this.config.image.tag.replace(/[^a-z0-9-]/gi, "-").toLowerCase()}`,
        "migrate",
      ),
      spec: {
        backoffLimit: m.backoffLimit,
        activeDeadlineSeconds: m.activeDeadlineSeconds,
        template: {
          metadata: { labels: this.objectLabels("migrate") },
          spec: {
            restartPolicy: "OnFailure",
            ...this.podBase(1000),
            initContainers: [
              {
                name: "wait-for-db",
                image: p.image,
                imagePullPolicy: "IfNotPresent",
                command: [
                  "sh",
                  "-c",
                  `until pg_isready -h "${this.name("postgresql")}" -p "${p.port}"; do\n  echo "waiting for PostgreSQL"; sleep 2\ndone\n`,
                ],
                resources: resources(m.resources),
                securityContext: restrictedSecurityContext,
              },
            ],
            containers: [
              {
                name: "migrate",
                image: this.image(m.repository),
                imagePullPolicy: this.config.image.pullPolicy,
                command: ["prisma", "migrate", "deploy"],
                env: [
                  ...this.databaseEnv(),
                  { name: "HOME", value: "/tmp" },
                  { name: "CHECKPOINT_DISABLE", value: "1" },
                ],
                resources: resources(m.resources),
                securityContext: restrictedSecurityContext,
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: q("64Mi") } }],
          },
        },
      },
    });
  }

  private disruptionBudgets(): void {
    // maxUnavailable 0 for the single engine (in-memory books) and the single database primary: evicting them is
    // a planned operation, not a drain side effect.
    const budgets: Array<[Component, k8s.PodDisruptionBudgetSpec]> = [
      ["engine", { maxUnavailable: k8s.IntOrString.fromNumber(0) }],
      ["backend", { minAvailable: k8s.IntOrString.fromNumber(1) }],
      ["web", { minAvailable: k8s.IntOrString.fromNumber(1) }],
      ["postgresql", { maxUnavailable: k8s.IntOrString.fromNumber(0) }],
    ];
    for (const [component, spec] of budgets) {
      new k8s.KubePodDisruptionBudget(this, `${component}-pdb`, {
        metadata: this.meta(this.name(component), component),
        spec: { ...spec, selector: { matchLabels: this.selector(component) } },
      });
    }
  }

  private networkPolicies(): void {
    new k8s.KubeNetworkPolicy(this, "engine-netpol", {
      metadata: this.meta(this.name("engine"), "engine"),
      spec: {
        podSelector: { matchLabels: this.selector("engine") },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: this.selector("backend") } }],
            ports: [{ port: port("grpc"), protocol: "TCP" }],
          },
        ],
      },
    });
    new k8s.KubeNetworkPolicy(this, "postgresql-netpol", {
      metadata: this.meta(this.name("postgresql"), "postgresql"),
      spec: {
        podSelector: { matchLabels: this.selector("postgresql") },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: this.selector("backend") } },
              { podSelector: { matchLabels: this.selector("migrate") } },
            ],
            ports: [{ port: port("postgresql"), protocol: "TCP" }],
          },
        ],
      },
    });
  }
}
