import { useCallback, useState } from 'react';
import type { PageInfo } from '../api/types';

/** Cursor paging: the cursors of the pages before the current one, so "Previous" can go back. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const reset = useCallback(() => setCursors([null]), []);
  return {
    after: cursors[cursors.length - 1],
    pageNumber: cursors.length,
    firstPage: cursors.length === 1,
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    next: (endCursor: string | null) => setCursors((c) => [...c, endCursor]),
    reset,
  };
}

export function Pager({ label, pages, pageInfo }: { label: string; pages: ReturnType<typeof useCursorPages>; pageInfo: PageInfo }) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={pages.firstPage} onClick={pages.previous}>
        Previous page
      </button>
      <span>Page {pages.pageNumber}</span>
      <button type="button" disabled={!pageInfo.hasNextPage} onClick={() => pages.next(pageInfo.endCursor)}>
        Next page
      </button>
    </nav>
  );
}
