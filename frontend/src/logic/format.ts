/** Formatting shared by the pages. */

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; the absolute date past a week. */
export const ago = (iso: string | number, nowMs: number): string => {
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(t)) return '—';
  const s = Math.max(0, Math.round((nowMs - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)} d ago`;
  return new Date(t).toISOString().slice(0, 10);
};

/** HH:MM:SS.mmm in UTC, for event and log lines. */
export const clock = (iso: string | number): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toISOString().slice(11, 23);
};

export const shortId = (id: string | null | undefined): string => (id ? id.slice(0, 12) : '—');

/**
 * The list of broken rules or bad fields in an error's `details`, as lines of text, whatever its shape
 * (array of strings, array of {rule, message, path}, or an object of field → message).
 */
export const detailLines = (details: unknown): string[] => {
  if (details === undefined || details === null) return [];
  if (typeof details === 'string') return [details];
  if (Array.isArray(details)) {
    return details.map((d) => {
      if (typeof d === 'string') return d;
      if (d && typeof d === 'object') {
        const r = d as Record<string, unknown>;
        const head = [r.rule, r.code, Array.isArray(r.path) ? r.path.join('.') : r.path, r.field]
          .filter((x) => typeof x === 'string' && x !== '')
          .join(' · ');
        const message = typeof r.message === 'string' ? r.message : typeof r.reason === 'string' ? r.reason : '';
        return head && message ? `${head}: ${message}` : head || message || JSON.stringify(d);
      }
      return String(d);
    });
  }
  if (typeof details === 'object') {
    const r = details as Record<string, unknown>;
    for (const key of ['rules', 'violations', 'issues', 'fields', 'errors']) {
      if (Array.isArray(r[key])) return detailLines(r[key]);
    }
    return Object.entries(r).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return [String(details)];
};
