// Min-heap of (expire time ms, order id) for GTD orders. Entries of orders that ended earlier stay until popped
// and are skipped by the caller (lazy deletion keeps cancel O(1)).
export class ExpiryQueue {
  private readonly at: number[] = [];
  private readonly ids: number[] = [];

  get size(): number {
    return this.at.length;
  }

  push(expireMs: number, id: number): void {
    const at = this.at;
    const ids = this.ids;
    let i = at.length;
    at.push(expireMs);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (at[parent] < expireMs || (at[parent] === expireMs && ids[parent] < id)) break;
      at[i] = at[parent];
      ids[i] = ids[parent];
      i = parent;
    }
    at[i] = expireMs;
    ids[i] = id;
  }

  /** Removes and returns the id of the earliest entry due at `nowMs`, or -1 when none is due. */
  popDue(nowMs: number): number {
    const at = this.at;
    const ids = this.ids;
    if (at.length === 0 || at[0] > nowMs) return -1;
    const top = ids[0];
    const lastAt = at.pop() as number;
    const lastId = ids.pop() as number;
    const n = at.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && (at[r] < at[l] || (at[r] === at[l] && ids[r] < ids[l]))) c = r;
        if (at[c] > lastAt || (at[c] === lastAt && ids[c] > lastId)) break;
        at[i] = at[c];
        ids[i] = ids[c];
        i = c;
      }
      at[i] = lastAt;
      ids[i] = lastId;
    }
    return top;
  }
}
