import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/graphql';

export type Outcome = { ok: true; message: string } | { ok: false; message: string };

/**
 * A button for an operator action: it asks for confirmation in a dialog, runs the action, and
 * shows what happened (the result or the coded error) beside the button.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel = 'Confirm',
  action,
  disabled,
  className,
  children,
}: {
  label: string;
  question: ReactNode;
  confirmLabel?: string;
  action: () => Promise<string>;
  disabled?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const titleId = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  async function confirm() {
    setAsking(false);
    setRunning(true);
    setOutcome(null);
    try {
      setOutcome({ ok: true, message: await action() });
    } catch (e) {
      setOutcome({ ok: false, message: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setRunning(false);
    }
  }

  return (
    <span className="confirm-button">
      <button type="button" className={className} disabled={disabled || running} onClick={() => setAsking(true)}>
        {running ? `${label}…` : (children ?? label)}
      </button>
      {outcome && (
        <span className={outcome.ok ? 'outcome outcome-ok' : 'outcome outcome-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.message}
        </span>
      )}
      {asking && (
        <div className="modal-backdrop">
          <div className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId}
            onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
            <h2 id={titleId}>{label}?</h2>
            <div className="modal-body">{question}</div>
            <div className="modal-actions">
              <button type="button" onClick={() => setAsking(false)}>
                Cancel
              </button>
              <button type="button" className="primary" ref={confirmRef} onClick={() => void confirm()}>
                {confirmLabel}
              </button>
            </div>
          </div>
        </div>
      )}
    </span>
  );
}
