import { createSignal } from 'solid-js';
import { detailLines } from '../logic/format.ts';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  message: string;
  lines: string[];
}

export type ToastStore = ReturnType<typeof createToasts>;

/** Toasts: the API client's error messages, and confirmations. Errors stay 10 s, others 4 s. */
export const createToasts = (options: { setTimer?: (fn: () => void, ms: number) => unknown } = {}) => {
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const [toasts, setToasts] = createSignal<Toast[]>([]);
  let next = 1;
  const dismiss = (id: number) => setToasts((list) => list.filter((t) => t.id !== id));
  const push = (kind: Toast['kind'], message: string, details?: unknown) => {
    const id = next++;
    setToasts((list) => [...list.slice(-4), { id, kind, message, lines: detailLines(details) }]);
    setTimer(() => dismiss(id), kind === 'error' ? 10_000 : 4_000);
    return id;
  };
  return {
    toasts,
    error: (message: string, details?: unknown) => push('error', message, details),
    info: (message: string) => push('info', message),
    success: (message: string) => push('success', message),
    dismiss,
  };
};
