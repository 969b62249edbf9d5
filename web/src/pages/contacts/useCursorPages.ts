import { useState } from "react";

export interface CursorPages {
  /** The `after` cursor of the page shown; null on the first page. */
  after: string | null;
  number: number;
  hasPrevious: boolean;
  next: (endCursor: string | null) => void;
  previous: () => void;
}

/** Forward cursor paging (`after`) with a way back: the cursors of the pages before are kept.
 * A change of `filters` starts again at the first page. */
export function useCursorPages(filters: string): CursorPages {
  const [state, setState] = useState<{ filters: string; cursors: (string | null)[] }>({ filters, cursors: [null] });
  const cursors = state.filters === filters ? state.cursors : [null];
  if (state.filters !== filters) setState({ filters, cursors });
  return {
    after: cursors[cursors.length - 1],
    number: cursors.length,
    hasPrevious: cursors.length > 1,
    next: (endCursor) => { if (endCursor) setState({ filters, cursors: [...cursors, endCursor] }); },
    previous: () => setState({ filters, cursors: cursors.slice(0, -1) }),
  };
}
