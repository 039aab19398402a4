import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CommandBatch,
  decodeCommandBatch,
  decodeReportBatch,
  type ExecutionReport,
  encodeCommandBatch,
  encodeReportBatch,
  type OrderCommand,
  ReportBatch,
} from "../index.js";

const int64 = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 200 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.maxSafeInteger(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -1, 2 ** 32, -(2 ** 32), 2 ** 31 - 1),
);
const uint64 = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.maxSafeNat());
const enumv = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(-1));
const str = fc.oneof(
  fc.constant(""),
  fc.constantFrom("AAPL", "acct-1", "ümlaut-€"),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

const newOrder = fc.record({
  requestId: uint64,
  account: str,
  clientOrderId: str,
  symbol: str,
  side: enumv,
  orderType: enumv,
  timeInForce: enumv,
  price: int64,
  stopPrice: int64,
  trailingOffset: int64,
  quantity: int64,
  displayQuantity: int64,
  postOnly: fc.boolean(),
  expireTimeMs: int64,
  stpMode: enumv,
});
const cancel = fc.record({
  requestId: uint64,
  account: str,
  symbol: str,
  orderId: uint64,
  clientOrderId: str,
});
const modify = fc.record({
  requestId: uint64,
  account: str,
  symbol: str,
  orderId: uint64,
  clientOrderId: str,
  newPrice: int64,
  newQuantity: int64,
});
const command: fc.Arbitrary<OrderCommand> = fc.oneof(
  newOrder.map((value) => ({ command: { $case: "newOrder" as const, value } })),
  cancel.map((value) => ({ command: { $case: "cancel" as const, value } })),
  modify.map((value) => ({ command: { $case: "modify" as const, value } })),
  fc.constant({ command: undefined }),
);
const report: fc.Arbitrary<ExecutionReport> = fc.record({
  seq: uint64,
  requestId: uint64,
  orderId: uint64,
  clientOrderId: str,
  account: str,
  symbol: str,
  execType: enumv,
  status: enumv,
  side: enumv,
  orderType: enumv,
  price: int64,
  quantity: int64,
  filledQuantity: int64,
  leavesQuantity: int64,
  lastPrice: int64,
  lastQuantity: int64,
  tradeId: uint64,
  isMaker: fc.boolean(),
  rejectReason: enumv,
  text: str,
  timestampNs: int64,
  timeInForce: enumv,
  stopPrice: int64,
});

describe("fast codec is wire-compatible with the generated ts-proto code", () => {
  it("CommandBatch: same bytes, same decoded objects", () => {
    fc.assert(
      fc.property(uint64, fc.array(command, { maxLength: 20 }), (batchId, commands) => {
        const batch = { batchId, commands };
        const ours = encodeCommandBatch(batch);
        const theirs = CommandBatch.encode(batch).finish();
        expect(Buffer.compare(ours, Buffer.from(theirs))).toBe(0);
        expect(decodeCommandBatch(theirs)).toEqual(CommandBatch.decode(theirs));
      }),
      { numRuns: 300 },
    );
  });

  it("ReportBatch: same bytes, same decoded objects", () => {
    fc.assert(
      fc.property(uint64, fc.array(report, { maxLength: 20 }), (batchId, reports) => {
        const batch = { batchId, reports };
        const ours = encodeReportBatch(batch);
        const theirs = ReportBatch.encode(batch).finish();
        expect(Buffer.compare(ours, Buffer.from(theirs))).toBe(0);
        expect(decodeReportBatch(theirs)).toEqual(ReportBatch.decode(theirs));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects truncated input with a RangeError instead of returning garbage", () => {
    const bytes = encodeCommandBatch({
      batchId: 7,
      commands: [
        {
          command: {
            $case: "cancel",
            value: { requestId: 1, account: "a", symbol: "AAPL", orderId: 9, clientOrderId: "" },
          },
        },
      ],
    });
    for (let cut = 1; cut < bytes.length; cut++) {
      const part = bytes.subarray(0, cut);
      let threw = false;
      try {
        decodeCommandBatch(part);
      } catch (err) {
        threw = err instanceof RangeError;
      }
      // a prefix may happen to be a valid shorter batch only at a field boundary: then it must differ
      if (!threw) expect(decodeCommandBatch(part)).not.toEqual(decodeCommandBatch(bytes));
    }
  });
});
