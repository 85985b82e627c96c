import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Pager, useCursorPages } from './Pager';

afterEach(cleanup);

function Harness({ hasNextPage }: { hasNextPage: boolean }) {
  const pages = useCursorPages();
  return (
    <>
      <output data-testid="after">{pages.after ?? 'start'}</output>
      <Pager label="Pages of things" pages={pages} pageInfo={{ hasNextPage, endCursor: `after-${pages.pageNumber}` }} />
      <button type="button" onClick={pages.reset}>Reset</button>
    </>
  );
}

describe('Pager', () => {
  it('walks forward by end cursor, back through the cursors it kept, and resets to the start', () => {
    render(<Harness hasNextPage />);
    const previous = screen.getByRole('button', { name: 'Previous page' }) as HTMLButtonElement;
    expect(previous.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getByTestId('after').textContent).toBe('after-2');
    expect(screen.getByRole('navigation', { name: 'Pages of things' }).textContent).toContain('Page 3');
    fireEvent.click(previous);
    expect(screen.getByTestId('after').textContent).toBe('after-1');
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(screen.getByTestId('after').textContent).toBe('start');
  });

  it('offers no next page at the end', () => {
    render(<Harness hasNextPage={false} />);
    expect((screen.getByRole('button', { name: 'Next page' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
