import { createMemo } from 'solid-js';

/** An inline SVG line of counts (oldest first), with a readable summary for screen readers. */
export const Sparkline = (props: { values: number[]; width?: number; height?: number; label: string }) => {
  const width = () => props.width ?? 240;
  const height = () => props.height ?? 40;
  const points = createMemo(() => {
    const v = props.values;
    const max = Math.max(1, ...v);
    const step = v.length > 1 ? width() / (v.length - 1) : 0;
    return v.map((n, i) => `${(i * step).toFixed(1)},${(height() - 2 - (n / max) * (height() - 4)).toFixed(1)}`).join(' ');
  });
  const total = () => props.values.reduce((a, b) => a + b, 0);
  const peak = () => Math.max(0, ...props.values);
  return (
    <figure class="sparkline">
      <svg
        width={width()}
        height={height()}
        viewBox={`0 0 ${width()} ${height()}`}
        role="img"
        aria-label={`${props.label}: ${total()} in total, peak ${peak()} per minute`}
      >
        <polyline points={points()} class="spark-line" />
      </svg>
      <figcaption>
        {props.label} · peak {peak()}/min · last {props.values[props.values.length - 1] ?? 0}/min
      </figcaption>
    </figure>
  );
};
