// A throwaway Kubernetes control plane for tests: etcd + kube-apiserver (the Go-built binaries from
// scripts/install-k8s-tools.sh) on free loopback ports, state and certificates in a temp dir. No kubelet,
// controller-manager or scheduler: pods never run, so tests assert what the API server itself can prove
// (schema and admission validation, storage, server-side apply, helm release bookkeeping).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ControlPlaneBinaries {
  etcd: string;
  "kube-apiserver": string;
}

export interface ControlPlane {
  dir: string;
  server: string;
  kubeconfig: string;
  /** Environment for kubectl/helm: KUBECONFIG plus helm/kubectl caches inside the temp dir (never $HOME). */
  env: NodeJS.ProcessEnv;
  /** Last lines of the apiserver log, for failure messages. */
  apiserverLog(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

/** CA, apiserver serving certificate for 127.0.0.1 and the service-account signing key pair. */
function makeCertificates(dir: string): void {
  openssl(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=hft-test-ca"].concat([
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
    ]),
    dir,
  );
  openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=kube-apiserver"].concat([
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
    ]),
    dir,
  );
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"].concat([
      "-days",
      "1",
      "-extfile",
      "server.ext",
      "-out",
      "server.crt",
    ]),
    dir,
  );
  openssl(["genrsa", "-out", "sa.key", "2048"], dir);
  openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function startProcess(bin: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(bin, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  return child;
}

async function stopProcess(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = sleep(graceMs).then(() => "timeout" as const);
  if ((await Promise.race([exited.then(() => "exited" as const), timer])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

/** Polls `check` until it returns true; fails early when `child` exits, and at the deadline. */
async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`);
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail(logFile)}`);
}

function httpsGet(url: string, ca: Buffer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

export async function startControlPlane(
  bins: ControlPlaneBinaries,
  opts: { readyTimeoutMs?: number } = {},
): Promise<ControlPlane> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const dir = mkdtempSync(join(tmpdir(), "hft-apiserver-"));
  const children: ChildProcess[] = [];
  // Safety net if the test worker dies without running afterAll: never leave servers behind.
  const killAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  };
  process.once("exit", killAll);
  const stop = async () => {
    for (const c of children.reverse()) await stopProcess(c);
    process.removeListener("exit", killAll);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    makeCertificates(dir);
    const token = `hft-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    // system:masters: full access under RBAC, like the cluster-admin kubeconfig of a fresh cluster.
    writeFileSync(join(dir, "tokens.csv"), `${token},hft-admin,hft-admin-uid,"system:masters"\n`);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];

    const etcdLog = join(dir, "etcd.log");
    const peer = `http://127.0.0.1:${etcdPeer}`;
    const client = `http://127.0.0.1:${etcdClient}`;
    const etcd = startProcess(
      bins.etcd,
      [
        "--name=hft-test",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=hft-test=${peer}`,
        "--unsafe-no-fsync", // throwaway data: skip fsync to keep the shared CI machine fast
        "--log-level=warn",
      ],
      etcdLog,
    );
    children.push(etcd);
    await waitFor(
      "etcd",
      async () => {
        const res = await fetch(`${client}/health`, { signal: AbortSignal.timeout(2_000) });
        return res.ok && (await res.text()).includes('"health":"true"');
      },
      etcd,
      etcdLog,
      readyTimeoutMs,
    );

    const apiLog = join(dir, "kube-apiserver.log");
    const certDir = join(dir, "apiserver-certs");
    mkdirSync(certDir);
    const apiserver = startProcess(
      bins["kube-apiserver"],
      [
        `--etcd-servers=${client}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        `--cert-dir=${certDir}`,
        `--tls-cert-file=${join(dir, "server.crt")}`,
        `--tls-private-key-file=${join(dir, "server.key")}`,
        `--client-ca-file=${join(dir, "ca.crt")}`,
        `--token-auth-file=${join(dir, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${join(dir, "sa.key")}`,
        "--service-cluster-ip-range=10.96.0.0/16",
        "--profiling=false",
        "--v=1",
      ],
      apiLog,
    );
    children.push(apiserver);
    const ca = readFileSync(join(dir, "ca.crt"));
    const server = `https://127.0.0.1:${apiPort}`;
    await waitFor(
      "kube-apiserver",
      async () => {
        const res = await httpsGet(`${server}/readyz`, ca, token);
        return res.status === 200 && res.body.trim() === "ok";
      },
      apiserver,
      apiLog,
      readyTimeoutMs,
    );

    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "test", cluster: { server, "certificate-authority": join(dir, "ca.crt") } }],
        users: [{ name: "admin", user: { token } }],
        contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
        "current-context": "test",
      }),
      { mode: 0o600 },
    );
    const env: NodeJS.ProcessEnv = {
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: join(dir, "kube-cache"),
      HELM_CACHE_HOME: join(dir, "helm", "cache"),
      HELM_CONFIG_HOME: join(dir, "helm", "config"),
      HELM_DATA_HOME: join(dir, "helm", "data"),
    };
    return { dir, server, kubeconfig, env, apiserverLog: () => tail(apiLog), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
