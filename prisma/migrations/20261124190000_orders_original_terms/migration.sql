-- The order's terms as accepted (before any modify). With them the order row is the first entry of the
-- order's history, so accepting an order writes one row instead of an order row plus an event row (the
-- event row, its two index entries and its foreign-key check were a third of PostgreSQL's work per order).
-- Null for orders accepted before this migration: their first state is an EXEC_NEW row in order_events.
ALTER TABLE "orders" ADD COLUMN "original_price" BIGINT,
ADD COLUMN "original_quantity" BIGINT;
