import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/graphql';
import { ConfirmButton } from './ConfirmButton';

afterEach(cleanup);

describe('ConfirmButton', () => {
  it('asks first, and Cancel runs nothing', () => {
    const action = vi.fn(async () => 'done');
    render(<ConfirmButton label="Redrive" question="Put it back?" action={action} />);
    fireEvent.click(screen.getByRole('button', { name: 'Redrive' }));
    expect(screen.getByRole('dialog', { name: 'Redrive?' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(action).not.toHaveBeenCalled();
  });

  it('runs on confirmation and shows the result', async () => {
    render(<ConfirmButton label="Adjust stock" question="Add 5?" action={async () => 'SKU-1: 105 available'} />);
    fireEvent.click(screen.getByRole('button', { name: 'Adjust stock' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect((await screen.findByRole('status')).textContent).toBe('SKU-1: 105 available');
  });

  it('shows a coded error', async () => {
    render(<ConfirmButton label="Retry saga" question="Retry?" action={async () => {
      throw new ApiError('saga s is COMPLETED: nothing to retry', 'CONFLICT');
    }} />);
    fireEvent.click(screen.getByRole('button', { name: 'Retry saga' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect((await screen.findByRole('alert')).textContent).toBe('CONFLICT: saga s is COMPLETED: nothing to retry');
  });
});
