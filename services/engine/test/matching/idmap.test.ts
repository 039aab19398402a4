import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdMap } from "../../src/matching/idmap.js";

describe("IdMap (order id -> slot)", () => {
  it("behaves like a Map under random set/delete/get, across growth", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom("set", "set", "delete", "get"),
            // small ids collide in probe runs; large ones exercise the high 32 bits
            fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
            fc.nat(1_000_000),
          ),
          { maxLength: 2000 },
        ),
        (ops) => {
          const m = new IdMap(4);
          const ref = new Map<number, number>();
          for (const [op, id, v] of ops) {
            if (op === "set") {
              m.set(id, v);
              ref.set(id, v);
            } else if (op === "delete") {
              expect(m.delete(id)).toBe(ref.delete(id));
            } else {
              expect(m.get(id)).toBe(ref.get(id) ?? -1);
            }
            expect(m.size).toBe(ref.size);
          }
          for (const [id, v] of ref) expect(m.get(id)).toBe(v);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps every live id findable under sequential insert/delete churn", () => {
    const m = new IdMap(16);
    const live: number[] = [];
    for (let id = 1; id <= 50_000; id++) {
      m.set(id, id & 0xffff);
      live.push(id);
      if (id % 3 !== 0) m.delete(live.splice((id * 7919) % live.length, 1)[0]);
    }
    expect(m.size).toBe(live.length);
    for (const id of live) expect(m.get(id)).toBe(id & 0xffff);
  });
});
