import React, {memo} from 'react';
import {Box, Text} from 'ink';
import {KEYMAP, type KeyGroup} from '../keymap.js';
import {paneInner} from '../layout.js';
import {Pane} from './pane.js';

const GROUP_TITLE: Record<KeyGroup, string> = {
	decision: 'At a gate or after a failure',
	session: 'Session',
	navigation: 'Moving around',
	app: 'Application',
};

/** Every key of the key table, grouped; read-only views leave out what they would not do. */
export const HelpOverlay = memo(function HelpOverlay({readOnly, width, height}: {readOnly: boolean; width: number; height: number}) {
	const rows: Array<{group?: string; label?: string; help?: string}> = [];
	for (const group of Object.keys(GROUP_TITLE) as KeyGroup[]) {
		const bindings = KEYMAP.filter(b => b.group === group && !(readOnly && b.mutates));
		if (bindings.length === 0) continue;
		rows.push({group: GROUP_TITLE[group]});
		for (const b of bindings) rows.push({label: b.label, help: b.help});
	}
	const title = readOnly ? 'Help · read-only view · ? or esc to close' : 'Help · ? or esc to close';
	return (
		<Pane title={title} width={width} height={height} focused>
			{rows.slice(0, paneInner(height)).map((row, i) =>
				row.group ? (
					<Box key={i} height={1} overflow="hidden">
						<Text bold wrap="truncate-end">
							{row.group}
						</Text>
					</Box>
				) : (
					<Box key={i} height={1} overflow="hidden">
						<Box width={12} flexShrink={0}>
							<Text color="cyan">{`  ${row.label}`}</Text>
						</Box>
						<Text wrap="truncate-end">{row.help}</Text>
					</Box>
				),
			)}
		</Pane>
	);
});
