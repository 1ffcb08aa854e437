// The dashboard reads everything through the same HTTP API as other clients. Responses are
// memoized per URL for the page's life (they are fixed by the evidence version), and API
// problems arrive as readable messages.
import { useEffect, useState } from 'preact/hooks';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

const memo = new Map<string, Promise<unknown>>();

export function fetchJson<T>(url: string): Promise<T> {
  let pending = memo.get(url) as Promise<T> | undefined;
  if (!pending) {
    pending = fetch(url, { headers: { Accept: 'application/json' } }).then(async (res) => {
      const body = await res.json().catch(() => null) as { message?: string; field?: string } | null;
      if (!res.ok) throw new ApiError(res.status, body?.message ?? `the server answered ${res.status} for ${url}`, body?.field);
      return body as T;
    }, () => {
      throw new ApiError(0, 'the Alliance Ledger server does not answer: is `npm start` still running?');
    });
    memo.set(url, pending);
    // A failed request may succeed later (server restarted): do not keep the failure.
    pending.catch(() => memo.delete(url));
  }
  return pending;
}

/** POST a JSON body (never memoized: a client's own input); problems arrive as ApiError. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'the Alliance Ledger server does not answer: is `npm start` still running?');
  }
  const answer = await res.json().catch(() => null) as { message?: string; field?: string } | null;
  if (!res.ok) throw new ApiError(res.status, answer?.message ?? `the server answered ${res.status} for ${url}`, answer?.field);
  return answer as T;
}

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

/** Fetch a URL (null: nothing yet) and re-fetch when it changes. */
export function useApi<T>(url: string | null): Resource<T> {
  const [state, setState] = useState<Resource<T>>({ data: null, error: null, loading: url !== null });
  useEffect(() => {
    if (url === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ data: s.data, error: null, loading: true }));
    fetchJson<T>(url).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: null, error: error instanceof ApiError ? error : new ApiError(0, String(error)), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return state;
}
