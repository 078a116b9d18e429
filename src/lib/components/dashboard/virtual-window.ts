/**
 * Which rows of a long list to render: those on screen plus a few on either side (overscan), so
 * 1,000 live meetings cost the same as 30. Rows have one fixed height; the rows not rendered are
 * stood in for by padding above and below, so the scroll bar stays true to the whole list.
 */
export interface WindowInput {
	/** How far the list is scrolled, in px from the top of its first row. */
	scrollTop: number;
	/** Height of the visible area in px. */
	viewportHeight: number;
	rowHeight: number;
	count: number;
	/** Rows rendered beyond each edge, so fast scrolling and Tab never meet a blank. */
	overscan: number;
}

export interface VirtualWindow {
	/** First rendered row (inclusive). */
	start: number;
	/** Row after the last rendered one (exclusive). */
	end: number;
	/** Space standing in for the rows above `start`. */
	padTop: number;
	/** Space standing in for the rows from `end` on. */
	padBottom: number;
}

export function virtualWindow({
	scrollTop,
	viewportHeight,
	rowHeight,
	count,
	overscan
}: WindowInput): VirtualWindow {
	if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
	const top = Math.max(0, scrollTop);
	const first = Math.floor(top / rowHeight);
	const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
	// Never start beyond the list, even if it just shrank under a scrolled view.
	const start = Math.min(Math.max(0, first - overscan), Math.max(0, count - 1));
	const end = Math.min(count, Math.max(start + 1, last + overscan));
	return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}
