'use client';
import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A modal confirmation. With `typeToConfirm`, the confirm button stays disabled until the user types
 * that text (used for deletions).
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  typeToConfirm?: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      setTyped('');
      d.showModal();
    }
    if (!props.open && d.open) d.close();
  }, [props.open]);
  const blocked = props.typeToConfirm !== undefined && typed !== props.typeToConfirm;
  return (
    <dialog ref={ref} className="dialog" onCancel={props.onCancel} aria-label={props.title}>
      <h2>{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      {props.typeToConfirm !== undefined && (
        <label className="field">
          <span>
            Type <code>{props.typeToConfirm}</code> to confirm
          </span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="Confirmation text" autoFocus />
        </label>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className={props.danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={blocked || props.busy} onClick={props.onConfirm}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
