import type { SagaTimelineEntry } from '../api/types';
import { formatTime } from '../domain/sagas';
import { LIFELINES, toSequence, type Lifeline, type SequenceRow } from '../domain/sequence';

const NAMES: Record<Lifeline, string> = { ORCHESTRATOR: 'Orchestrator', PAYMENT: 'Payment', INVENTORY: 'Inventory', SHIPPING: 'Shipping' };
const COLUMN = 180;
const ROW = 34;
const HEAD = 40;

function x(line: Lifeline): number {
  return LIFELINES.indexOf(line) * COLUMN + COLUMN / 2;
}

/**
 * The saga drawn like the seed's sequence diagram: one lifeline per party, one row per timeline
 * entry, requests solid and replies dashed; failures red and compensations orange. Every row is
 * also a list item of text, so it reads without the picture.
 */
export function SequenceDiagram({ timeline }: { timeline: SagaTimelineEntry[] }) {
  const rows = toSequence(timeline);
  const width = LIFELINES.length * COLUMN;
  const height = HEAD + rows.length * ROW + 20;
  return (
    <figure className="sequence" aria-label="Saga sequence diagram">
      <div className="sequence-scroll">
        <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-hidden="true">
          <defs>
            {['normal', 'failure', 'compensation', 'success'].map((tone) => (
              <marker key={tone} id={`arrow-${tone}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" className={`tone-${tone}`} />
              </marker>
            ))}
          </defs>
          {LIFELINES.map((line) => (
            <g key={line}>
              <rect x={x(line) - 60} y={4} width={120} height={26} rx={4} className="lifeline-head" />
              <text x={x(line)} y={22} textAnchor="middle" className="lifeline-name">
                {NAMES[line]}
              </text>
              <line x1={x(line)} y1={30} x2={x(line)} y2={height} className="lifeline" />
            </g>
          ))}
          {rows.map((row, i) => (
            <Row key={i} row={row} y={HEAD + i * ROW + ROW / 2} />
          ))}
        </svg>
      </div>
      <ol className="sequence-text">
        {rows.map((row, i) => (
          <li key={i} className={`tone-${row.tone}`} data-testid="sequence-row">
            <time dateTime={row.at}>{formatTime(row.at)}</time>{' '}
            {row.kind === 'arrow' ? `${NAMES[row.from]} → ${NAMES[row.to]}: ${row.label}` : `${NAMES[row.on]}: ${row.label}`}
            {row.detail && <span className="detail"> — {row.detail}</span>}
          </li>
        ))}
      </ol>
    </figure>
  );
}

function Row({ row, y }: { row: SequenceRow; y: number }) {
  if (row.kind === 'note') {
    return (
      <g>
        <rect x={x(row.on) - 75} y={y - 11} width={150} height={22} rx={3} className={`note tone-${row.tone}`} />
        <text x={x(row.on)} y={y + 4} textAnchor="middle" className={`note-text tone-${row.tone}`}>
          {row.label}
        </text>
      </g>
    );
  }
  const from = x(row.from);
  const to = x(row.to);
  return (
    <g>
      <line x1={from} y1={y + 6} x2={to} y2={y + 6} className={`message tone-${row.tone}`} strokeDasharray={row.reply ? '5 4' : undefined}
        markerEnd={`url(#arrow-${row.tone})`} />
      <text x={(from + to) / 2} y={y} textAnchor="middle" className={`message-text tone-${row.tone}`}>
        {row.label}
      </text>
    </g>
  );
}
