import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { CATALOG_READ_LIMITS, searchWords } from '@kinema/contracts/catalog-limits';

/** Typing pauses this long before a search is sent; TanStack Query aborts the one it replaces. */
const DEBOUNCE_MS = 250;

/** What the search box beside it says while its text has no letter or digit. */
const NO_SEARCH_WORD = 'A search needs a letter or a digit';

function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/**
 * A search box's text, from the address's `q` (cut to the characters the box takes: an edited
 * link may hold more) and then as typed; the address follows the text once typing pauses.
 * `settled` is that trimmed text; `query` is it when it holds a search word, else undefined, so
 * punctuation alone (an apostrophe typed first, a lone `%`) lists as an empty box does instead of
 * being refused by the catalog, and `error` says why beside the box.
 */
export function useSearchText() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(() =>
    [...(params.get('q') ?? '')].slice(0, CATALOG_READ_LIMITS.queryLength).join(''),
  );
  const settled = useDebounced(text.trim(), DEBOUNCE_MS);
  const searchable = searchWords(settled).length > 0;

  // Written only when they differ: `setParams` changes with every address, and writing the
  // address of this render again undid a filter set meanwhile (a year typed fast on the search
  // page ended as its first three digits).
  const addressQ = params.get('q') ?? '';
  useEffect(() => {
    if (addressQ === settled) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (settled) next.set('q', settled);
        else next.delete('q');
        return next;
      },
      { replace: true },
    );
  }, [settled, addressQ, setParams]);

  return {
    text,
    setText,
    settled,
    query: searchable ? settled : undefined,
    error: settled && !searchable ? NO_SEARCH_WORD : undefined,
  };
}
