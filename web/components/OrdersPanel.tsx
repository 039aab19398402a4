"use client";
import type { Fill, Order, SymbolInfo } from "@hft/shared/api";
import { type FormEvent, Fragment, type KeyboardEvent, useState } from "react";
import { ApiError, api } from "@/lib/api";
import { formatDateTime, formatMoney, formatPrice, formatQuantity, formatTime } from "@/lib/format";
import { fillKey, OPEN_STATUSES } from "@/lib/hooks";
import { parseOnGrid } from "@/lib/ticket";

type Tab = "open" | "history" | "fills";

interface Props {
  orders: Order[];
  fills: Fill[];
  symbols: SymbolInfo[];
  onOrder: (o: Order) => void;
  /** restrict to one symbol (trade page) */
  symbol?: string;
  initialTab?: Tab;
}

function gridOf(symbols: SymbolInfo[], symbol: string) {
  const s = symbols.find((x) => x.symbol === symbol);
  return { tickSize: s?.tickSize ?? "0.01", lotSize: s?.lotSize ?? "1" };
}

export function OrdersPanel({ orders, fills, symbols, onOrder, symbol, initialTab = "open" }: Props) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const scoped = symbol ? orders.filter((o) => o.symbol === symbol) : orders;
  const open = scoped.filter((o) => OPEN_STATUSES.has(o.status));
  const scopedFills = symbol ? fills.filter((f) => f.symbol === symbol) : fills;

  const report = (e: unknown) => {
    const a = e instanceof ApiError ? e : new ApiError(0, "ERROR", String(e));
    setError({ code: a.code, message: a.message });
  };

  return (
    <section className="panel" style={{ height: "100%" }} aria-label="Orders">
      <div className="panel-head">
        <div className="tabs" role="tablist" aria-label="Order views">
          {(
            [
              ["open", `Open orders (${open.length})`],
              ["history", "Order history"],
              ["fills", "Fills"],
            ] as const
          ).map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="tab"
              className="tab"
              aria-selected={tab === key}
              onClick={() => setTab(key)}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      {error && (
        <div className="alert alert-error" role="alert" style={{ margin: 8 }} data-testid="orders-error">
          <code>{error.code}</code> — {error.message}{" "}
          <button type="button" className="btn btn-small" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}
      <div className="table-wrap" style={{ maxHeight: 420 }}>
        {tab === "open" && (
          <OpenOrdersTable
            orders={open}
            symbols={symbols}
            onOrder={onOrder}
            onError={report}
            onOk={() => setError(null)}
          />
        )}
        {tab === "history" && <HistoryTable orders={scoped} symbols={symbols} fills={fills} />}
        {tab === "fills" && <FillsTable fills={scopedFills} symbols={symbols} />}
      </div>
    </section>
  );
}

function SideCell({ side }: { side: "BUY" | "SELL" }) {
  return <td className={side === "BUY" ? "buy" : "sell"}>{side}</td>;
}

function OpenOrdersTable({
  orders,
  symbols,
  onOrder,
  onError,
  onOk,
}: {
  orders: Order[];
  symbols: SymbolInfo[];
  onOrder: (o: Order) => void;
  onError: (e: unknown) => void;
  onOk: () => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function cancel(o: Order) {
    setBusy(o.id);
    try {
      const r = await api.cancelOrder(o.id);
      onOrder(r.order);
      onOk();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  }

  if (orders.length === 0) return <div className="empty">No open orders</div>;
  return (
    <table className="grid" data-testid="open-orders">
      <thead>
        <tr>
          <th>Time</th>
          <th>Symbol</th>
          <th>Side</th>
          <th>Type</th>
          <th className="r">Price</th>
          <th className="r">Qty</th>
          <th className="r">Filled</th>
          <th>Status</th>
          <th className="r">Actions</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => {
          const g = gridOf(symbols, o.symbol);
          return (
            <tr key={o.id} data-order-id={o.id} data-status={o.status}>
              <td className="num muted">{formatTime(o.createdAt)}</td>
              <td>{o.symbol}</td>
              <SideCell side={o.side} />
              <td>
                {o.type} {o.timeInForce}
                {o.postOnly ? " · PO" : ""}
              </td>
              {editing === o.id ? (
                <td colSpan={3} className="r">
                  <ModifyForm
                    order={o}
                    grid={g}
                    onDone={(updated) => {
                      setEditing(null);
                      if (updated) {
                        onOrder(updated);
                        onOk();
                      }
                    }}
                    onError={onError}
                  />
                </td>
              ) : (
                <>
                  <td className="r num">{formatPrice(o.price, g.tickSize)}</td>
                  <td className="r num">{formatQuantity(o.quantity, g.lotSize)}</td>
                  <td className="r num">{formatQuantity(o.filledQuantity, g.lotSize)}</td>
                </>
              )}
              <td>
                <span className={`badge badge-${o.status}`}>{o.status}</span>
              </td>
              <td className="r">
                {editing !== o.id && o.type === "LIMIT" && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => setEditing(o.id)}
                    aria-label={`Modify order ${o.id}`}
                  >
                    Modify
                  </button>
                )}{" "}
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  disabled={busy === o.id}
                  onClick={() => cancel(o)}
                  aria-label={`Cancel order ${o.id}`}
                >
                  Cancel
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ModifyForm({
  order,
  grid,
  onDone,
  onError,
}: {
  order: Order;
  grid: { tickSize: string; lotSize: string };
  onDone: (o: Order | null) => void;
  onError: (e: unknown) => void;
}) {
  const [price, setPrice] = useState(order.price ?? "");
  const [quantity, setQuantity] = useState(order.quantity);
  const [msg, setMsg] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p = parseOnGrid(price, grid.tickSize, "Price");
    const q = parseOnGrid(quantity, grid.lotSize, "Quantity");
    if ("error" in p) return setMsg(p.error);
    if ("error" in q) return setMsg(q.error);
    try {
      const body: { price?: string; quantity?: string } = {};
      if (p.value !== order.price) body.price = p.value;
      if (q.value !== order.quantity) body.quantity = q.value;
      if (!body.price && !body.quantity) return onDone(null);
      const r = await api.modifyOrder(order.id, body);
      onDone(r.order);
    } catch (err) {
      onError(err);
      onDone(null);
    }
  }
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") onDone(null);
  };
  return (
    <form className="modify-form" onSubmit={submit} onKeyDown={onKey} aria-label={`Modify order ${order.id}`}>
      <label className="sr-only" htmlFor={`mp-${order.id}`}>
        New price
      </label>
      <input
        id={`mp-${order.id}`}
        className="input num"
        value={price}
        inputMode="decimal"
        onChange={(e) => setPrice(e.target.value)}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this order
        autoFocus
      />
      <label className="sr-only" htmlFor={`mq-${order.id}`}>
        New quantity
      </label>
      <input
        id={`mq-${order.id}`}
        className="input num"
        value={quantity}
        inputMode="decimal"
        onChange={(e) => setQuantity(e.target.value)}
      />
      <button type="submit" className="btn btn-small btn-primary">
        Save
      </button>
      <button type="button" className="btn btn-small" onClick={() => onDone(null)}>
        ✕<span className="sr-only">Discard changes</span>
      </button>
      {msg && <span className="field-error">{msg}</span>}
    </form>
  );
}

function HistoryTable({ orders, symbols, fills }: { orders: Order[]; symbols: SymbolInfo[]; fills: Fill[] }) {
  const [expanded, setExpanded] = useState<string | null>(null);
  if (orders.length === 0) return <div className="empty">No orders yet</div>;
  const fillsByOrder = new Map<string, Fill[]>();
  for (const f of fills) {
    const list = fillsByOrder.get(f.orderId);
    if (list) list.push(f);
    else fillsByOrder.set(f.orderId, [f]);
  }
  return (
    <table className="grid" data-testid="order-history">
      <thead>
        <tr>
          <th>Time</th>
          <th>Id</th>
          <th>Symbol</th>
          <th>Side</th>
          <th>Type</th>
          <th className="r">Price</th>
          <th className="r">Qty</th>
          <th className="r">Filled</th>
          <th className="r">Avg price</th>
          <th className="r">Fills</th>
          <th>Status</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => {
          const g = gridOf(symbols, o.symbol);
          const own = fillsByOrder.get(o.id) ?? [];
          const open = expanded === o.id && own.length > 0;
          return (
            <Fragment key={o.id}>
              <tr data-order-id={o.id} data-status={o.status}>
                <td className="num muted">{formatDateTime(o.createdAt)}</td>
                <td className="num muted">{o.id}</td>
                <td>{o.symbol}</td>
                <SideCell side={o.side} />
                <td>
                  {o.type} {o.timeInForce}
                </td>
                <td className="r num">{formatPrice(o.price, g.tickSize)}</td>
                <td className="r num">{formatQuantity(o.quantity, g.lotSize)}</td>
                <td className="r num">{formatQuantity(o.filledQuantity, g.lotSize)}</td>
                <td className="r num">{formatPrice(o.averagePrice, g.tickSize)}</td>
                <td className="r num">
                  {own.length === 0 ? (
                    0
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={open}
                      aria-controls={`fills-of-${o.id}`}
                      aria-label={`${own.length} fills of order ${o.id}`}
                      onClick={() => setExpanded(open ? null : o.id)}
                    >
                      {own.length} {open ? "▴" : "▾"}
                    </button>
                  )}
                </td>
                <td>
                  <span className={`badge badge-${o.status}`}>{o.status}</span>
                </td>
                <td className="muted">{o.rejectReason ?? ""}</td>
              </tr>
              {open && (
                <tr id={`fills-of-${o.id}`} className="fills-detail" data-fills-of={o.id}>
                  <td />
                  <td colSpan={11}>
                    {own.map((f) => (
                      <div key={fillKey(f)} className="num" data-testid="order-fill">
                        {formatTime(f.createdAt)} · {formatQuantity(f.quantity, g.lotSize)} @{" "}
                        {formatPrice(f.price, g.tickSize)} · {formatMoney(f.notional)} · {f.liquidity} · trade{" "}
                        {f.tradeId}
                      </div>
                    ))}
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

function FillsTable({ fills, symbols }: { fills: Fill[]; symbols: SymbolInfo[] }) {
  if (fills.length === 0) return <div className="empty">No fills yet</div>;
  return (
    <table className="grid" data-testid="fills">
      <thead>
        <tr>
          <th>Time</th>
          <th>Order</th>
          <th>Symbol</th>
          <th>Side</th>
          <th className="r">Price</th>
          <th className="r">Qty</th>
          <th className="r">Notional</th>
          <th>Liquidity</th>
        </tr>
      </thead>
      <tbody>
        {fills.map((f) => {
          const g = gridOf(symbols, f.symbol);
          return (
            <tr key={fillKey(f)} data-order-id={f.orderId} data-trade-id={f.tradeId}>
              <td className="num muted">{formatDateTime(f.createdAt)}</td>
              <td className="num muted">{f.orderId}</td>
              <td>{f.symbol}</td>
              <SideCell side={f.side} />
              <td className="r num">{formatPrice(f.price, g.tickSize)}</td>
              <td className="r num">{formatQuantity(f.quantity, g.lotSize)}</td>
              <td className="r num">{formatMoney(f.notional)}</td>
              <td className="muted">{f.liquidity}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
