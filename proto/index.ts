// The one source of gRPC types for every service: code generated from trading.proto by ts-proto
// (`npm run gen`). Import from "@hft/proto", never from the generated file directly.
import { fileURLToPath } from "node:url";

export * from "./gen/trading.js";

/** Absolute path of trading.proto (server reflection and grpcurl need the source descriptor). */
export const TRADING_PROTO_PATH = fileURLToPath(new URL("./trading.proto", import.meta.url));

/** FileDescriptorSet of trading.proto built by buf (`npm run gen`): server reflection serves it as is
 * (protobufjs' own descriptors get map-entry names wrong, which grpcurl rejects). */
export const TRADING_DESCRIPTOR_SET_PATH = fileURLToPath(new URL("./gen/trading.binpb", import.meta.url));

export { decodeCommandBatch, decodeReportBatch, encodeCommandBatch, encodeReportBatch } from "./fastcodec.js";

import { makeGenericClientConstructor } from "@grpc/grpc-js";
import { decodeCommandBatch, decodeReportBatch, encodeCommandBatch, encodeReportBatch } from "./fastcodec.js";
import { type ReportBatch, type TradingEngineClient, TradingEngineService } from "./gen/trading.js";

const fastReports = {
  responseSerialize: (value: ReportBatch): Buffer => encodeReportBatch(value),
  responseDeserialize: (value: Buffer): ReportBatch => decodeReportBatch(value),
};

/**
 * TradingEngineService with the hand-tuned codec (fastcodec.ts) on every CommandBatch / ReportBatch.
 * Same wire format and message types as TradingEngineService; use it on both ends of the OrderStream.
 */
export const TradingEngineFastService = {
  ...TradingEngineService,
  placeOrder: { ...TradingEngineService.placeOrder, ...fastReports },
  cancelOrder: { ...TradingEngineService.cancelOrder, ...fastReports },
  modifyOrder: { ...TradingEngineService.modifyOrder, ...fastReports },
  getOpenOrders: { ...TradingEngineService.getOpenOrders, ...fastReports },
  subscribeExecutions: { ...TradingEngineService.subscribeExecutions, ...fastReports },
  orderStream: {
    ...TradingEngineService.orderStream,
    ...fastReports,
    requestSerialize: encodeCommandBatch,
    requestDeserialize: (value: Buffer) => decodeCommandBatch(value),
  },
} as const;

/** Client constructor using the fast codec (same interface as the generated TradingEngineClient). */
export const TradingEngineFastClient = makeGenericClientConstructor(
  TradingEngineFastService,
  "trading.pb.TradingEngine",
) as unknown as typeof TradingEngineClient;
