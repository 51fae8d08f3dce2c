import React, {memo} from 'react';
import {Box, Text} from 'ink';
import type {KeyBinding} from '../keymap.js';

/** The keys valid now and the latest notice. Two rows when there is room, else one. */
export const StatusBar = memo(function StatusBar({keys, notice, width, height}: {keys: KeyBinding[]; notice: string | null; width: number; height: number}) {
	const keyText = keys.map(k => `[${k.label}] ${k.short}`).join('  ');
	if (height >= 2) {
		return (
			<Box flexDirection="column" width={width} height={height} flexShrink={0} overflow="hidden">
				<Box height={1} overflow="hidden">
					<Text wrap="truncate-end" color="yellow">
						{' '}
						{notice ?? ''}
					</Text>
				</Box>
				<Box height={1} overflow="hidden">
					<Text wrap="truncate-end" dimColor>
						{' '}
						{keyText}
					</Text>
				</Box>
			</Box>
		);
	}
	return (
		<Box width={width} height={1} flexShrink={0} overflow="hidden">
			<Text wrap="truncate-end">
				{notice ? <Text color="yellow"> {notice} ·</Text> : null}
				<Text dimColor> {keyText}</Text>
			</Text>
		</Box>
	);
});
