"use client";
import { useOrders, useSymbols } from "@/lib/hooks";
import { OrdersPanel } from "./OrdersPanel";

export function OrdersView() {
  const { symbols } = useSymbols();
  const { orders, fills, applyOrder, error } = useOrders();
  return (
    <div>
      <h1 className="page-title">Orders</h1>
      {error && (
        <div className="alert alert-error" role="alert">
          <code>{error.code}</code> {error.message}
        </div>
      )}
      <OrdersPanel orders={orders} fills={fills} symbols={symbols} onOrder={applyOrder} />
    </div>
  );
}
