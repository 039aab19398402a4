// Position accounting (average cost), exact in integer cents and lots.
export interface PositionState {
  quantity: bigint; // signed lots
  costBasis: bigint; // cents, signed like quantity
  realizedPnl: bigint; // cents
}

/** Applies a fill of `qty` lots at `priceTicks`; returns the cash change in cents. */
export function applyFill(
  pos: PositionState,
  side: "BUY" | "SELL",
  qty: bigint,
  priceTicks: bigint,
  centsPerUnit: bigint,
): bigint {
  const value = qty * priceTicks * centsPerUnit;
  const dir = side === "BUY" ? 1n : -1n;
  const cashDelta = side === "BUY" ? -value : value;
  if (pos.quantity === 0n || pos.quantity > 0n === dir > 0n) {
    pos.quantity += dir * qty;
    pos.costBasis += dir * value;
    return cashDelta;
  }
  const held = pos.quantity < 0n ? -pos.quantity : pos.quantity;
  const closeQty = qty < held ? qty : held;
  // Share of the cost basis being closed; the remainder stays in costBasis so the total is conserved.
  const portion = (pos.costBasis * closeQty) / held;
  const posDir = pos.quantity > 0n ? 1n : -1n;
  pos.realizedPnl += posDir * closeQty * priceTicks * centsPerUnit - portion;
  pos.costBasis -= portion;
  pos.quantity += dir * closeQty;
  const rest = qty - closeQty;
  if (pos.quantity === 0n) pos.costBasis = 0n;
  if (rest > 0n) {
    pos.quantity = dir * rest;
    pos.costBasis = dir * rest * priceTicks * centsPerUnit;
  }
  return cashDelta;
}

export function marketValue(quantity: bigint, priceTicks: bigint, centsPerUnit: bigint): bigint {
  return quantity * priceTicks * centsPerUnit;
}
