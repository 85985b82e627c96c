import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { BarChart, linePath } from './Charts';

afterEach(cleanup);

describe('linePath', () => {
  it('scales a series into the box, the highest point at the top', () => {
    expect(linePath([{ x: 0, y: 0 }, { x: 10, y: 5 }, { x: 20, y: 10 }], 200, 100)).toBe('M0.0,100.0 L100.0,50.0 L200.0,0.0');
    expect(linePath([], 200, 100)).toBe('');
  });
});

describe('BarChart', () => {
  it('labels every bar with its value', () => {
    render(<BarChart title="Sagas by status" bars={[{ label: 'COMPLETED', value: 1200 }, { label: 'FAILED', value: 3 }]} />);
    expect(screen.getByRole('figure', { name: 'Sagas by status' }).textContent).toContain('1,200');
  });
});
