-- No query looks orders up by engine_order_id (execution reports route by client_order_id = orders.id, and
-- reconciliation works from the engine's open orders), so the index only cost an index insert per order.
-- DropIndex
DROP INDEX "orders_engine_order_id_idx";
