// The one builder of EXEC_REJECTED reports, for the matching engine and the service layer alike. It always
// produces the full ExecutionReport literal (every field, same order) so every report object has one shape.
import { ExecType, type ExecutionReport, OrderStatus, type RejectReason } from "@hft/proto";

export interface RejectFields {
  seq: number;
  requestId: number;
  orderId: number;
  clientOrderId: string;
  account: string;
  symbol: string;
  side: number;
  orderType: number;
  price: number;
  quantity: number;
  timeInForce: number;
  stopPrice: number;
  reason: RejectReason;
  text: string;
  timestampNs: number;
}

export function rejectReport(f: RejectFields): ExecutionReport {
  return {
    seq: f.seq,
    requestId: f.requestId,
    orderId: f.orderId,
    clientOrderId: f.clientOrderId,
    account: f.account,
    symbol: f.symbol,
    execType: ExecType.EXEC_REJECTED,
    status: OrderStatus.REJECTED,
    side: f.side,
    orderType: f.orderType,
    price: f.price,
    quantity: f.quantity,
    filledQuantity: 0,
    leavesQuantity: 0,
    lastPrice: 0,
    lastQuantity: 0,
    tradeId: 0,
    isMaker: false,
    rejectReason: f.reason,
    text: f.text,
    timestampNs: f.timestampNs,
    timeInForce: f.timeInForce,
    stopPrice: f.stopPrice,
  };
}
