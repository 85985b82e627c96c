import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SequenceDiagram } from './SequenceDiagram';

afterEach(cleanup);

describe('SequenceDiagram', () => {
  it('draws one arrow per exchange and lists them as text', () => {
    const at = '2026-11-26T12:00:00Z';
    const { container } = render(<SequenceDiagram timeline={[
      { at, type: 'STEP_REQUESTED', step: 'PAYMENT', message: null },
      { at, type: 'STEP_FAILED', step: 'PAYMENT', message: 'INSUFFICIENT_FUNDS' },
      { at, type: 'FAILED', step: null, message: null },
    ]} />);
    expect(container.querySelectorAll('line.message')).toHaveLength(2);
    expect(container.querySelector('line.message.tone-failure')?.getAttribute('stroke-dasharray')).toBe('5 4');
    const rows = screen.getAllByTestId('sequence-row').map((row) => row.textContent);
    expect(rows[0]).toContain('Orchestrator → Payment: debit payment');
    expect(rows[1]).toContain('Payment → Orchestrator: payment failed — INSUFFICIENT_FUNDS');
    expect(rows[2]).toContain('Orchestrator: saga failed');
  });
});
