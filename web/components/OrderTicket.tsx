"use client";
import type { Order, OrderType, Side, TimeInForce } from "@hft/shared/api";
import { type FormEvent, type KeyboardEvent, useEffect, useId, useState } from "react";
import { ApiError, api } from "@/lib/api";
import { formatMoney, formatPrice, formatQuantity, isZero } from "@/lib/format";
import {
  defaultTimeInForce,
  estimateNotional,
  type InstrumentGrid,
  stepOnGrid,
  type TicketErrors,
  type TicketInput,
  validateTicket,
} from "@/lib/ticket";

/** ArrowUp/ArrowDown move a price by one tick or a quantity by one lot (PageUp/PageDown by ten). */
function stepper(value: string, increment: string, set: (v: string) => void) {
  return (e: KeyboardEvent<HTMLInputElement>) => {
    const steps =
      e.key === "ArrowUp"
        ? 1
        : e.key === "ArrowDown"
          ? -1
          : e.key === "PageUp"
            ? 10
            : e.key === "PageDown"
              ? -10
              : 0;
    if (steps === 0) return;
    const next = stepOnGrid(value, increment, steps);
    if (next === null) return;
    e.preventDefault();
    set(next);
  };
}

export interface OrderTicketProps {
  symbol: string;
  grid: InstrumentGrid;
  /** a price picked on the book ladder */
  pickedPrice?: { price: string; seq: number } | null;
  onOrder?: (order: Order) => void;
}

type Outcome = { kind: "error"; code: string; message: string } | { kind: "ok"; order: Order } | null;

export function OrderTicket({ symbol, grid, pickedPrice, onOrder }: OrderTicketProps) {
  const id = useId();
  const [side, setSide] = useState<Side>("BUY");
  const [type, setType] = useState<OrderType>("LIMIT");
  const [tif, setTif] = useState<TimeInForce>("GTC");
  const [price, setPrice] = useState("");
  const [quantity, setQuantity] = useState("");
  const [postOnly, setPostOnly] = useState(false);
  const [errors, setErrors] = useState<TicketErrors>({});
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  useEffect(() => {
    if (pickedPrice) {
      setPrice(pickedPrice.price);
      setType("LIMIT");
      setTif((t) => (t === "GTC" || t === "IOC" || t === "FOK" ? t : "GTC"));
    }
  }, [pickedPrice]);

  const input: TicketInput = { symbol, side, type, timeInForce: tif, price, quantity, postOnly };

  // re-validate as the user types once they have tried to submit
  // biome-ignore lint/correctness/useExhaustiveDependencies: input fields are the dependencies
  useEffect(() => {
    if (!touched) return;
    const r = validateTicket(input, grid);
    setErrors(r.ok ? {} : r.errors);
  }, [touched, side, type, tif, price, quantity, postOnly, grid.tickSize, grid.lotSize]);

  function changeType(t: OrderType) {
    setType(t);
    setTif(defaultTimeInForce(t));
    if (t === "MARKET") setPostOnly(false);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setOutcome(null);
    const r = validateTicket(input, grid);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const res = await api.placeOrder(r.request);
      onOrder?.(res.order);
      if (res.order.status === "REJECTED") {
        setOutcome({
          kind: "error",
          code: res.order.rejectReason ?? "REJECTED",
          message: "The engine rejected the order",
        });
      } else {
        setOutcome({ kind: "ok", order: res.order });
      }
    } catch (err) {
      const a = err instanceof ApiError ? err : new ApiError(0, "ERROR", String(err));
      setOutcome({ kind: "error", code: a.code, message: a.message });
    } finally {
      setBusy(false);
    }
  }

  const notional =
    type === "LIMIT" && !errors.price && !errors.quantity ? estimateNotional(price, quantity, grid) : null;
  const err = (f: keyof TicketErrors) => (errors[f] ? `${id}-${f}-err` : undefined);

  return (
    <form onSubmit={submit} noValidate aria-label={`Order ticket ${symbol}`} data-testid="order-ticket">
      <fieldset
        className="side-toggle"
        aria-label="Side"
        style={{ border: 0, padding: 0, margin: "0 0 10px" }}
      >
        <button
          type="button"
          className="buy-btn"
          aria-pressed={side === "BUY"}
          onClick={() => setSide("BUY")}
        >
          Buy
        </button>
        <button
          type="button"
          className="sell-btn"
          aria-pressed={side === "SELL"}
          onClick={() => setSide("SELL")}
        >
          Sell
        </button>
      </fieldset>
      <div className="row2">
        <div className="field">
          <label htmlFor={`${id}-type`}>Order type</label>
          <select
            id={`${id}-type`}
            className="input"
            value={type}
            onChange={(e) => changeType(e.target.value as OrderType)}
          >
            <option value="LIMIT">Limit</option>
            <option value="MARKET">Market</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-tif`}>Time in force</label>
          <select
            id={`${id}-tif`}
            className="input"
            value={tif}
            aria-invalid={errors.timeInForce ? true : undefined}
            aria-describedby={err("timeInForce")}
            onChange={(e) => setTif(e.target.value as TimeInForce)}
          >
            {type === "LIMIT" && <option value="GTC">GTC</option>}
            <option value="IOC">IOC</option>
            <option value="FOK">FOK</option>
          </select>
          {errors.timeInForce && (
            <span id={err("timeInForce")} className="field-error">
              {errors.timeInForce}
            </span>
          )}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-price`}>Limit price ({grid.tickSize} tick)</label>
        <input
          id={`${id}-price`}
          className="input num"
          inputMode="decimal"
          autoComplete="off"
          placeholder={type === "MARKET" ? "Market" : "0.00"}
          disabled={type === "MARKET"}
          value={type === "MARKET" ? "" : price}
          aria-invalid={errors.price ? true : undefined}
          aria-describedby={err("price")}
          onChange={(e) => setPrice(e.target.value)}
          onKeyDown={stepper(price, grid.tickSize, setPrice)}
        />
        {errors.price && (
          <span id={err("price")} className="field-error" data-testid="price-error">
            {errors.price}
          </span>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-qty`}>Quantity ({grid.lotSize} lot)</label>
        <input
          id={`${id}-qty`}
          className="input num"
          inputMode="decimal"
          autoComplete="off"
          placeholder="0"
          value={quantity}
          aria-invalid={errors.quantity ? true : undefined}
          aria-describedby={err("quantity")}
          onChange={(e) => setQuantity(e.target.value)}
          onKeyDown={stepper(quantity, grid.lotSize, setQuantity)}
        />
        {errors.quantity && (
          <span id={err("quantity")} className="field-error" data-testid="quantity-error">
            {errors.quantity}
          </span>
        )}
      </div>
      <div className="check">
        <input
          id={`${id}-post`}
          type="checkbox"
          checked={postOnly}
          disabled={type === "MARKET"}
          aria-describedby={err("postOnly")}
          onChange={(e) => setPostOnly(e.target.checked)}
        />
        <label htmlFor={`${id}-post`}>Post-only (maker only)</label>
      </div>
      {errors.postOnly && (
        <div id={err("postOnly")} className="field-error" style={{ marginTop: -6, marginBottom: 8 }}>
          {errors.postOnly}
        </div>
      )}
      <div className="ticket-summary">
        <span>Est. notional</span>
        <span className="num">{notional ? formatMoney(notional) : "—"}</span>
      </div>
      <button
        type="submit"
        className={`btn submit ${side === "BUY" ? "btn-buy" : "btn-sell"}`}
        disabled={busy}
      >
        {busy ? "Sending…" : `${side === "BUY" ? "Buy" : "Sell"} ${symbol}`}
      </button>
      <div aria-live="polite">
        {outcome?.kind === "error" && (
          <div className="alert alert-error" role="alert" data-testid="ticket-error">
            Rejected: <code>{outcome.code}</code> — {outcome.message}
          </div>
        )}
        {outcome?.kind === "ok" && (
          <div className="alert alert-ok" data-testid="ticket-ok">
            Order {outcome.order.id} <strong>{outcome.order.status}</strong>
            {!isZero(outcome.order.filledQuantity) &&
              ` · filled ${formatQuantity(outcome.order.filledQuantity, grid.lotSize)} @ ${formatPrice(
                outcome.order.averagePrice,
                grid.tickSize,
              )}`}
          </div>
        )}
      </div>
    </form>
  );
}
