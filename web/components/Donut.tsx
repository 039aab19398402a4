// Allocation donut in plain SVG (no chart library in the first load).
export interface Slice {
  label: string;
  /** share in [0, 1] */
  value: number;
  color: string;
}

export const PALETTE = [
  "#4c8dff",
  "#1fbf75",
  "#f2b035",
  "#b07cff",
  "#f0525f",
  "#35c9d6",
  "#e06fb5",
  "#9aa5b5",
];

export function Donut({ slices, size = 180, label }: { slices: Slice[]; size?: number; label: string }) {
  const r = size / 2 - 14;
  const c = 2 * Math.PI * r;
  let offset = 0;
  return (
    <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label}>
      <circle cx={size / 2} cy={size / 2} r={r} fill="none" stroke="#161b24" strokeWidth={22} />
      {slices.map((s) => {
        const len = Math.max(0, Math.min(1, s.value)) * c;
        const el = (
          <circle
            key={s.label}
            cx={size / 2}
            cy={size / 2}
            r={r}
            fill="none"
            stroke={s.color}
            strokeWidth={22}
            strokeDasharray={`${len} ${c - len}`}
            strokeDashoffset={-offset}
            transform={`rotate(-90 ${size / 2} ${size / 2})`}
          />
        );
        offset += len;
        return el;
      })}
    </svg>
  );
}
