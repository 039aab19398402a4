// Struct-of-arrays order storage. Every live order (resting, pending trigger, or the taker being matched) is a
// slot index into these typed arrays, so the hot path allocates nothing and the GC never sees orders.
// Prices (ticks) and quantities (lots) are Float64 so every safe integer fits; they only ever hold integers.

import { IdMap } from "./idmap.js";

export const BUY = 1;
export const SELL = 2;

/** Slot states. */
export const FREE = 0;
export const RESTING = 1;
export const PENDING = 2; // stop order in the trigger book
export const ACTIVE = 3; // taker being matched, not (yet) in a level

/** Self-trade prevention modes (same numbers as proto StpMode). */
export const STP_CANCEL_NEWEST = 1;
export const STP_CANCEL_OLDEST = 2;
export const STP_CANCEL_BOTH = 3;
export const STP_NONE = 4;

export const NIL = -1;

export class OrderPool {
  capacity: number;
  id: Float64Array;
  side: Uint8Array;
  state: Uint8Array;
  stp: Uint8Array;
  price: Float64Array;
  /** total order quantity */
  qty: Float64Array;
  filled: Float64Array;
  /** quantity currently shown in the level (the whole leaves for a plain order) */
  shown: Float64Array;
  /** hidden iceberg reserve, not in the level quantity */
  reserve: Float64Array;
  /** iceberg peak size; 0 = not an iceberg */
  display: Float64Array;
  owner: Int32Array;
  /** index of the book the order belongs to (the engine keeps several books on one pool) */
  book: Int32Array;
  next: Int32Array;
  prev: Int32Array;
  /** order id -> slot, for O(1) cancel/modify (allocation-free hash table) */
  readonly byId: IdMap;
  private freeHead = NIL;
  private used = 0;
  live = 0;

  constructor(capacity = 1 << 16) {
    this.capacity = Math.max(16, capacity);
    const c = this.capacity;
    // sized for live orders, not for the pool: a table much larger than the live set only costs cache misses
    this.byId = new IdMap(Math.min(c, 1 << 12));
    this.id = new Float64Array(c);
    this.side = new Uint8Array(c);
    this.state = new Uint8Array(c);
    this.stp = new Uint8Array(c);
    this.price = new Float64Array(c);
    this.qty = new Float64Array(c);
    this.filled = new Float64Array(c);
    this.shown = new Float64Array(c);
    this.reserve = new Float64Array(c);
    this.display = new Float64Array(c);
    this.owner = new Int32Array(c);
    this.book = new Int32Array(c);
    this.next = new Int32Array(c);
    this.prev = new Int32Array(c);
  }

  /** Takes a free slot and registers `id`. Grows (doubling, amortised O(1)) when full. */
  alloc(id: number): number {
    let s = this.freeHead;
    if (s !== NIL) {
      this.freeHead = this.next[s];
    } else {
      if (this.used === this.capacity) this.grow();
      s = this.used++;
    }
    this.id[s] = id;
    this.filled[s] = 0;
    this.reserve[s] = 0;
    this.display[s] = 0;
    this.next[s] = NIL;
    this.prev[s] = NIL;
    this.state[s] = ACTIVE;
    this.byId.set(id, s);
    this.live++;
    return s;
  }

  release(s: number): void {
    this.byId.delete(this.id[s]);
    this.state[s] = FREE;
    this.next[s] = this.freeHead;
    this.freeHead = s;
    this.live--;
  }

  slotOf(id: number): number {
    return this.byId.get(id); // IdMap's "absent" is -1 = NIL
  }

  private grow(): void {
    const c = this.capacity * 2;
    this.id = growF64(this.id, c);
    this.side = growU8(this.side, c);
    this.state = growU8(this.state, c);
    this.stp = growU8(this.stp, c);
    this.price = growF64(this.price, c);
    this.qty = growF64(this.qty, c);
    this.filled = growF64(this.filled, c);
    this.shown = growF64(this.shown, c);
    this.reserve = growF64(this.reserve, c);
    this.display = growF64(this.display, c);
    this.owner = growI32(this.owner, c);
    this.book = growI32(this.book, c);
    this.next = growI32(this.next, c);
    this.prev = growI32(this.prev, c);
    this.capacity = c;
  }
}

function growF64(a: Float64Array, c: number): Float64Array {
  const b = new Float64Array(c);
  b.set(a);
  return b;
}
function growI32(a: Int32Array, c: number): Int32Array {
  const b = new Int32Array(c);
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, c: number): Uint8Array {
  const b = new Uint8Array(c);
  b.set(a);
  return b;
}
