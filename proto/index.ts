// The one source of gRPC types for every service: code generated from trading.proto by ts-proto
// (`npm run gen`). Import from "@hft/proto", never from the generated file directly.
import { fileURLToPath } from "node:url";

export * from "./gen/trading.js";

/** Absolute path of trading.proto (server reflection and grpcurl need the source descriptor). */
export const TRADING_PROTO_PATH = fileURLToPath(new URL("./trading.proto", import.meta.url));
