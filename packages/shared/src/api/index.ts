// REST + WebSocket contract of the backend (services/backend) used by the web site and API clients.
export * from "./auth.js";
export * from "./common.js";
export * from "./market.js";
export * from "./orders.js";
export * from "./portfolio.js";
export * from "./stream.js";
export * from "./system.js";
