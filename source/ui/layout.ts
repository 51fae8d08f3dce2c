// Every region has a fixed size computed from the terminal size, so content can never grow
// the frame. The root is rows − 1 high: on Ink 6 a frame as tall as the terminal makes every
// later frame clear the screen (flicker, ink #450).
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
export const BOARD_MIN_WIDTH = 26;

export interface Layout {
	columns: number;
	rows: number;
	tooSmall: boolean;
	/** Height of the root box (rows − 1). */
	height: number;
	statusHeight: number;
	/** Full-width panel above the status bar: the gate (when there is room) or a question. */
	bottomHeight: number;
	bottom: 'gate' | 'confirm' | null;
	bodyHeight: number;
	boardWidth: number;
	rightWidth: number;
	outputHeight: number;
	/** 0 when the gate panel takes the diff's place. */
	diffHeight: number;
	/** Height of the gate panel in the right column (small terminals), else 0. */
	rightGateHeight: number;
}

export interface LayoutNeeds {
	/** Lines the gate panel wants (0 = no gate). */
	gateLines: number;
	confirm: boolean;
}

export function computeLayout(size: {columns: number; rows: number}, needs: LayoutNeeds): Layout {
	const {columns, rows} = size;
	const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
	const height = Math.max(1, rows - 1);
	const statusHeight = rows >= 20 ? 2 : 1;
	const available = Math.max(0, height - 1 - statusHeight);
	let bottom: Layout['bottom'] = null;
	let bottomHeight = 0;
	let gateRight = false;
	if (needs.confirm) {
		bottom = 'confirm';
		bottomHeight = 3;
	} else if (needs.gateLines > 0) {
		if (available >= 24) {
			bottom = 'gate';
			// +1 for the panel's top rule; never more than 40 % of the screen.
			bottomHeight = Math.min(needs.gateLines + 1, Math.floor(available * 0.4));
		} else {
			gateRight = true;
		}
	}
	const bodyHeight = Math.max(0, available - bottomHeight);
	const boardWidth = Math.min(Math.max(BOARD_MIN_WIDTH, Math.floor(columns / 3)), Math.max(0, columns - 30));
	const rightWidth = Math.max(0, columns - boardWidth);
	let outputHeight = Math.ceil(bodyHeight * 0.55);
	let diffHeight = bodyHeight - outputHeight;
	let rightGateHeight = 0;
	if (gateRight) {
		outputHeight = Math.max(3, Math.floor(bodyHeight * 0.45));
		rightGateHeight = bodyHeight - outputHeight;
		diffHeight = 0;
	}
	return {
		columns,
		rows,
		tooSmall,
		height,
		statusHeight,
		bottomHeight,
		bottom,
		bodyHeight,
		boardWidth,
		rightWidth,
		outputHeight,
		diffHeight,
		rightGateHeight,
	};
}

/** Rows of content inside a pane drawn by <Pane> (title rule + bottom border). */
export function paneInner(height: number): number {
	return Math.max(0, height - 2);
}
