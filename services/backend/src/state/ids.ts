// Backend order ids: time-ordered 64-bit integers (ms since 2024-01-01 << 22 | counter), unique per process
// and across restarts (the clock moves on). One backend instance owns order entry.
const EPOCH_MS = 1_704_067_200_000n;
let lastMs = 0n;
let counter = 0n;

export function nextOrderId(): bigint {
  let now = BigInt(Date.now()) - EPOCH_MS;
  if (now < lastMs) now = lastMs;
  if (now === lastMs) {
    counter++;
    if (counter >= 1n << 22n) {
      lastMs++;
      now = lastMs;
      counter = 0n;
    }
  } else {
    lastMs = now;
    counter = 0n;
  }
  return (now << 22n) | counter;
}
