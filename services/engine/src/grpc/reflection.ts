// Server reflection descriptors. trading.proto comes from buf's FileDescriptorSet (proto/gen/trading.binpb).
// grpc.health.v1 comes from @grpc/proto-loader (protobufjs), whose descriptors are not what protoc emits:
// map entries are named "Statuses" instead of "StatusesEntry" and type names are relative, so grpcurl
// (Go protodesc) refuses them ("incorrect implicit map entry name"). fixDescriptor rewrites them the protoc way.
import { readFileSync } from "node:fs";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { loadFileDescriptorSetFromBuffer, loadSync, type PackageDefinition } from "@grpc/proto-loader";
import { TRADING_DESCRIPTOR_SET_PATH } from "@hft/proto";
import { protoPath as HEALTH_PROTO_PATH } from "grpc-health-check";

const pascal = (s: string): string =>
  s
    .split("_")
    .map((p) => (p === "" ? "" : p[0].toUpperCase() + p.slice(1)))
    .join("");

/** Every fully-qualified message/enum name declared in the file (".pkg.Msg", ".pkg.Msg.Nested"). */
function collectNames(prefix: string, messages: DescriptorProto[], out: Set<string>): void {
  for (const m of messages) {
    const name = `${prefix}.${m.name}`;
    out.add(name);
    for (const e of m.enumType) out.add(`${name}.${e.name}`);
    collectNames(name, m.nestedType, out);
  }
}

/** Resolve a relative type name the way protoc does: innermost scope first. */
function qualify(typeName: string, scope: string, known: Set<string>): string {
  if (typeName === "" || typeName.startsWith(".")) return typeName;
  let s = scope;
  for (;;) {
    const candidate = `${s}.${typeName}`;
    if (known.has(candidate)) return candidate;
    if (s === "") return `.${typeName}`;
    s = s.slice(0, s.lastIndexOf("."));
  }
}

/** Rewrite a protobufjs-produced FileDescriptorProto into protoc's form (map entry names, qualified types). */
export function fixDescriptor(bytes: Uint8Array): Uint8Array {
  const fd = fromBinary(FileDescriptorProtoSchema, bytes);
  const pkg = fd.package ? `.${fd.package}` : "";
  const renames = new Map<string, string>(); // old qualified map-entry name -> new one
  const entries = new Set<DescriptorProto>();
  const visitMaps = (scope: string, messages: DescriptorProto[]): void => {
    for (const m of messages) {
      const name = `${scope}.${m.name}`;
      // protobufjs also marks the message holding a map as a map entry itself
      if (!entries.has(m) && m.options?.mapEntry === true) m.options.mapEntry = false;
      for (const nested of m.nestedType) {
        if (nested.options?.mapEntry !== true) continue;
        const field = m.field.find(
          (f) => f.typeName === nested.name || f.typeName === `${name}.${nested.name}`,
        );
        if (field === undefined) continue;
        const entry = `${pascal(field.name)}Entry`;
        renames.set(`${name}.${nested.name}`, `${name}.${entry}`);
        nested.name = entry;
        field.typeName = `${name}.${entry}`;
        entries.add(nested);
      }
      visitMaps(name, m.nestedType);
    }
  };
  visitMaps(pkg, fd.messageType);
  const known = new Set<string>();
  collectNames(pkg, fd.messageType, known);
  for (const e of fd.enumType) known.add(`${pkg}.${e.name}`);
  const visitFields = (scope: string, messages: DescriptorProto[]): void => {
    for (const m of messages) {
      const name = `${scope}.${m.name}`;
      for (const f of m.field) {
        const q = qualify(f.typeName, name, known);
        f.typeName = renames.get(q) ?? q;
      }
      visitFields(name, m.nestedType);
    }
  };
  visitFields(pkg, fd.messageType);
  for (const svc of fd.service) {
    for (const method of svc.method) {
      method.inputType = qualify(method.inputType, pkg, known);
      method.outputType = qualify(method.outputType, pkg, known);
    }
  }
  return toBinary(FileDescriptorProtoSchema, fd);
}

/**
 * Package definition handed to ReflectionService: trading.pb with buf's own descriptor bytes (protobufjs'
 * regenerated ones carry the same map-entry defects) + grpc.health.v1 fixed up.
 */
export function reflectionPackage(): PackageDefinition {
  const setBytes = readFileSync(TRADING_DESCRIPTOR_SET_PATH);
  const set = fromBinary(FileDescriptorSetSchema, setBytes);
  const original = new Map(
    set.file.map((f) => [f.name, Buffer.from(toBinary(FileDescriptorProtoSchema, f))]),
  );
  const trading = loadFileDescriptorSetFromBuffer(setBytes, { longs: String, enums: String });
  const health = loadSync(HEALTH_PROTO_PATH, { longs: String, enums: String });
  const cache = new Map<Buffer, Buffer>();
  const replace = (b: Buffer): Buffer => {
    let f = cache.get(b);
    if (f === undefined) {
      const name = fromBinary(FileDescriptorProtoSchema, b).name;
      f = original.get(name) ?? Buffer.from(fixDescriptor(b));
      cache.set(b, f);
    }
    return f;
  };
  const out: PackageDefinition = {};
  for (const [name, def] of [...Object.entries(trading), ...Object.entries(health)]) {
    // only message/enum definitions carry descriptors; service definitions are passed through
    out[name] =
      "fileDescriptorProtos" in def && Array.isArray(def.fileDescriptorProtos)
        ? ({ ...def, fileDescriptorProtos: def.fileDescriptorProtos.map(replace) } as typeof def)
        : def;
  }
  return out;
}
