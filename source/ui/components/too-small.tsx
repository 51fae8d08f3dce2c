import React from 'react';
import {Box, Text} from 'ink';
import {MIN_COLUMNS, MIN_ROWS} from '../layout.js';

export function TooSmall({columns, rows}: {columns: number; rows: number}) {
	return (
		<Box height={1} overflow="hidden">
			<Text wrap="truncate-end" color="yellow">
				terminal too small ({columns}×{rows}) — need {MIN_COLUMNS}×{MIN_ROWS}
			</Text>
		</Box>
	);
}
