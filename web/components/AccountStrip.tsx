"use client";
// The trader's position in the symbol and buying power, next to the ticket. Refreshed on each of the user's fills
// (live) and every few seconds (valuations follow prices).
import { api } from "@/lib/api";
import { formatMoney, formatQuantity, signOf } from "@/lib/format";
import { useFetch } from "@/lib/hooks";
import { useLiveMessages } from "@/lib/live";

export function AccountStrip({ symbol, lotSize }: { symbol: string; lotSize: string }) {
  const { data, reload } = useFetch(() => api.portfolio(), [], 5000);
  useLiveMessages((m) => {
    if (m.type === "fill") reload();
  });
  const qty = data ? (data.positions.find((p) => p.symbol === symbol)?.quantity ?? "0") : null;
  const shownQty =
    qty === null
      ? "—"
      : qty.startsWith("-")
        ? `-${formatQuantity(qty.slice(1), lotSize)}`
        : formatQuantity(qty, lotSize);
  return (
    <div className="ticket-summary" style={{ marginTop: 10 }}>
      <span>
        Position{" "}
        <span
          className={`num ${signOf(qty) < 0 ? "sell" : signOf(qty) > 0 ? "buy" : ""}`}
          data-testid="ticket-position"
        >
          {shownQty}
        </span>
      </span>
      <span>
        Buying power{" "}
        <span className="num" data-testid="ticket-buying-power">
          {formatMoney(data?.buyingPower)}
        </span>
      </span>
    </div>
  );
}
