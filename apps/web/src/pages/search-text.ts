import { useEffect, useState } from 'react';
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
 * link may hold more) and then as typed. `settled` is the trimmed text once typing pauses;
 * `query` is that text when it holds a search word, else undefined, so punctuation alone (an
 * apostrophe typed first, a lone `%`) lists as an empty box does instead of being refused by the
 * catalog, and `error` says why beside the box.
 */
export function useSearchText(params: URLSearchParams) {
  const [text, setText] = useState(() =>
    [...(params.get('q') ?? '')].slice(0, CATALOG_READ_LIMITS.queryLength).join(''),
  );
  const settled = useDebounced(text.trim(), DEBOUNCE_MS);
  const searchable = searchWords(settled).length > 0;
  return {
    text,
    setText,
    settled,
    query: searchable ? settled : undefined,
    error: settled && !searchable ? NO_SEARCH_WORD : undefined,
  };
}
