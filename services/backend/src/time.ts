// ISO-8601 text of a timestamp, remembered for the last few distinct milliseconds. The order path formats the
// same few instants over and over (every order of an engine report batch shares its `now`, and each is written
// to the database and rendered in its reply), and V8's Date#toISOString formats through printf each time.
const SLOTS = 4;
const keys = new Float64Array(SLOTS).fill(Number.NaN);
const texts: string[] = new Array<string>(SLOTS).fill("");
let next = 0;

export function isoTime(d: Date): string {
  const ms = d.getTime();
  for (let i = 0; i < SLOTS; i++) if (keys[i] === ms) return texts[i] as string;
  const text = d.toISOString();
  keys[next] = ms;
  texts[next] = text;
  next = (next + 1) % SLOTS;
  return text;
}
