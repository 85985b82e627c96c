/** Small SVG charts: enough for a dashboard, no charting library to ship. */

export interface Bar {
  label: string;
  value: number;
}

export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure className="chart bar-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {bars.length === 0 && <p className="state state-empty">Nothing yet.</p>}
      <ul>
        {bars.map((bar) => (
          <li key={bar.label}>
            <span className="bar-label">{bar.label}</span>
            <span className="bar-track">
              <span className={`bar-fill badge-${bar.label.toLowerCase()}`} style={{ width: `${(bar.value / max) * 100}%` }} />
            </span>
            <span className="bar-value">{bar.value.toLocaleString()}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

export interface Point {
  x: number;
  y: number;
}

/** The SVG path of a series scaled into a width × height box (y grows downwards). */
export function linePath(points: Point[], width: number, height: number): string {
  if (points.length === 0) return '';
  const xs = points.map((p) => p.x);
  const minX = Math.min(...xs);
  const spanX = Math.max(1, Math.max(...xs) - minX);
  const maxY = Math.max(1, ...points.map((p) => p.y));
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${(((p.x - minX) / spanX) * width).toFixed(1)},${(height - (p.y / maxY) * height).toFixed(1)}`)
    .join(' ');
}

export function LineChart({ title, points, unit, latest }: { title: string; points: Point[]; unit: string; latest?: string }) {
  const width = 400;
  const height = 120;
  const maxY = Math.max(1, ...points.map((p) => p.y));
  return (
    <figure className="chart line-chart" aria-label={title}>
      <figcaption>
        {title}
        {latest !== undefined && <strong className="chart-latest">{latest}</strong>}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${title}, up to ${maxY.toLocaleString()} ${unit}`}>
        <line x1="0" y1={height} x2={width} y2={height} className="axis" />
        <path d={linePath(points, width, height)} className="series" vectorEffect="non-scaling-stroke" />
      </svg>
      {points.length < 2 && <p className="chart-note">Collecting points…</p>}
      <div className="chart-scale">
        <span>max {maxY.toLocaleString()} {unit}</span>
        <span>{points.length} points</span>
      </div>
    </figure>
  );
}
