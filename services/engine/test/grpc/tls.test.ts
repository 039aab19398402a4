// TLS and mutual TLS over loopback, with certificates made by the openssl CLI in a temp dir.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, status } from "@grpc/grpc-js";
import { TradingEngineFastClient } from "@hft/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InProcess, startInProcess, testConfig, unary, unaryError } from "./helpers.js";

let dir: string;
const f = (name: string) => join(dir, name);

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe", timeout: 20_000 });
}

/** A CA and a leaf certificate signed by it (EC P-256: fast to generate). */
function makeCerts(): void {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "1",
    "-subj",
    "/CN=hft-test-ca",
  );
  for (const who of ["server", "client"]) {
    openssl(
      "req",
      ...ec,
      "-keyout",
      `${who}.key`,
      "-out",
      `${who}.csr`,
      "-subj",
      `/CN=${who === "server" ? "localhost" : "hft-test-client"}`,
    );
    writeFileSync(
      f(`${who}.ext`),
      who === "server"
        ? "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
        : "extendedKeyUsage=clientAuth\n",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${who}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${who}.crt`,
      "-days",
      "1",
      "-extfile",
      `${who}.ext`,
    );
  }
  // an unrelated CA and client cert, which the server must refuse under mTLS
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "rogue.key",
    "-out",
    "rogue.crt",
    "-days",
    "1",
    "-subj",
    "/CN=rogue",
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hft-engine-tls-"));
  makeCerts();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const read = (name: string) => readFileSync(f(name));

describe("TLS (server certificate)", () => {
  let srv: InProcess;
  beforeAll(async () => {
    srv = await startInProcess(
      testConfig({}, { ENGINE_TLS_CERT: f("server.crt"), ENGINE_TLS_KEY: f("server.key") }),
      credentials.createSsl(read("ca.crt")),
    );
  });
  afterAll(async () => {
    await srv?.close();
  });

  it("a client trusting the CA can call the engine", async () => {
    const res = await unary(srv.client, "healthCheck", {});
    expect(res.status).toBe("SERVING");
  });

  it("a plaintext client cannot", async () => {
    const plain = new TradingEngineFastClient(srv.address, credentials.createInsecure());
    try {
      const err = await unaryError(plain, "healthCheck", {});
      expect(err.code).toBe(status.UNAVAILABLE);
    } finally {
      plain.close();
    }
  });

  it("a client that does not trust the CA cannot", async () => {
    const other = new TradingEngineFastClient(srv.address, credentials.createSsl(read("rogue.crt")));
    try {
      const err = await unaryError(other, "healthCheck", {});
      expect(err.code).toBe(status.UNAVAILABLE);
    } finally {
      other.close();
    }
  });
});

describe("mTLS (ENGINE_TLS_CA set)", () => {
  let srv: InProcess;
  beforeAll(async () => {
    srv = await startInProcess(
      testConfig(
        {},
        { ENGINE_TLS_CERT: f("server.crt"), ENGINE_TLS_KEY: f("server.key"), ENGINE_TLS_CA: f("ca.crt") },
      ),
      credentials.createSsl(read("ca.crt"), read("client.key"), read("client.crt")),
    );
  });
  afterAll(async () => {
    await srv?.close();
  });

  it("a client with a certificate signed by the CA is served", async () => {
    const res = await unary(srv.client, "getSymbols", {});
    expect(res.symbols.length).toBe(2);
  });

  it("a client without a certificate is refused", async () => {
    const anon = new TradingEngineFastClient(srv.address, credentials.createSsl(read("ca.crt")));
    try {
      const err = await unaryError(anon, "healthCheck", {});
      expect(err.code).toBe(status.UNAVAILABLE);
    } finally {
      anon.close();
    }
  });

  it("a client with a certificate from another CA is refused", async () => {
    const rogue = new TradingEngineFastClient(
      srv.address,
      credentials.createSsl(read("ca.crt"), read("rogue.key"), read("rogue.crt")),
    );
    try {
      const err = await unaryError(rogue, "healthCheck", {});
      expect(err.code).toBe(status.UNAVAILABLE);
    } finally {
      rogue.close();
    }
  });
});
