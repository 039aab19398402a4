// Order id -> pool slot, open addressing on typed arrays (linear probing, backward-shift deletion, no tombstones).
// Why not a Map: with steady insert/delete churn a V8 Map keeps re-allocating its backing table (hundreds of KB
// once thousands of orders rest), which feeds the GC on the matching hot path. This table allocates only when the
// number of live ids doubles.
const EMPTY = -1;

export class IdMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  /** 32 - log2(capacity): the slot is the top bits of the multiplicative hash (the well-mixed ones) */
  private shift: number;
  size = 0;

  constructor(capacity = 1024) {
    let c = 16;
    while (c < capacity * 2) c *= 2;
    this.keys = new Float64Array(c);
    this.vals = new Int32Array(c).fill(EMPTY);
    this.mask = c - 1;
    this.shift = 32 - Math.log2(c);
  }

  /** Ids are safe integers; mixing the low and high 32-bit halves spreads sequential ids well. */
  private slot(id: number): number {
    const lo = id | 0;
    const hi = (id / 4294967296) | 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  get(id: number): number {
    const keys = this.keys;
    const vals = this.vals;
    let i = this.slot(id);
    for (;;) {
      const v = vals[i];
      if (v === EMPTY) return EMPTY;
      if (keys[i] === id) return v;
      i = (i + 1) & this.mask;
    }
  }

  /** Inserts or overwrites. `value` must be >= 0. */
  set(id: number, value: number): void {
    if ((this.size + 1) * 2 > this.vals.length) this.grow();
    let i = this.slot(id);
    for (;;) {
      const v = this.vals[i];
      if (v === EMPTY) {
        this.keys[i] = id;
        this.vals[i] = value;
        this.size++;
        return;
      }
      if (this.keys[i] === id) {
        this.vals[i] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  delete(id: number): boolean {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.slot(id);
    for (;;) {
      if (vals[i] === EMPTY) return false;
      if (keys[i] === id) break;
      i = (i + 1) & mask;
    }
    // backward-shift: move later entries of the probe run into the hole so lookups never need tombstones
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (vals[j] === EMPTY) break;
      const home = this.slot(keys[j]);
      // entry j may move to the hole only if its home is not cyclically within (hole, j]
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (between) continue;
      keys[hole] = keys[j];
      vals[hole] = vals[j];
      hole = j;
    }
    vals[hole] = EMPTY;
    this.size--;
    return true;
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    const c = oldV.length * 2;
    this.keys = new Float64Array(c);
    this.vals = new Int32Array(c).fill(EMPTY);
    this.mask = c - 1;
    this.shift = 32 - Math.log2(c);
    this.size = 0;
    for (let i = 0; i < oldV.length; i++) if (oldV[i] !== EMPTY) this.set(oldK[i], oldV[i]);
  }
}
