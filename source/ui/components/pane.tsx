import React, {type ReactNode} from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {fit, pad} from '../text.js';

/** A bordered box with its title in the top rule, of a fixed size: content never grows it. */
export function Pane({title, width, height, focused, children}: {title: string; width: number; height: number; focused?: boolean; children?: ReactNode}) {
	if (width < 4 || height < 2) return <Box width={width} height={height} />;
	const color = focused ? 'cyan' : 'gray';
	const label = fit(title, width - 4);
	const rule = '─'.repeat(Math.max(0, width - 4 - stringWidth(label)));
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0}>
			<Box height={1} width={width}>
				<Text color={color}>┌ </Text>
				<Text bold={focused} wrap="truncate-end">{label}</Text>
				<Text color={color}>{` ${rule}┐`}</Text>
			</Box>
			<Box
				flexDirection="column"
				width={width}
				height={height - 1}
				borderStyle="single"
				borderTop={false}
				borderColor={color}
				overflow="hidden"
			>
				{children}
			</Box>
		</Box>
	);
}

/** One fixed-height row of text, cut at the end. */
export function Row({children, color, dim, bold}: {children: ReactNode; color?: string; dim?: boolean; bold?: boolean}) {
	return (
		<Box height={1} flexShrink={0} overflow="hidden">
			<Text wrap="truncate-end" color={color} dimColor={dim} bold={bold}>
				{children}
			</Text>
		</Box>
	);
}

export interface Segment {
	text: string;
	color?: string;
	bold?: boolean;
	dim?: boolean;
	underline?: boolean;
	inverse?: boolean;
	/** Takes the room the other segments leave (cut or padded to fit). At most one. */
	grow?: boolean;
}

/**
 * One row made of coloured segments, laid out by hand to exactly `width` columns: cheaper
 * than a flex row per line (the board can have hundreds) and immune to text measuring quirks.
 */
export function Line({segments, width}: {segments: Segment[]; width: number}) {
	const fixed = segments.reduce((sum, s) => sum + (s.grow ? 0 : stringWidth(s.text)), 0);
	const room = Math.max(0, width - fixed);
	const laid = segments.map(s => (s.grow ? {...s, text: pad(s.text, room)} : s));
	return (
		<Box height={1} width={width} flexShrink={0} overflow="hidden">
			<Text wrap="truncate-end">
				{laid.map((s, i) => (
					<Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} underline={s.underline} inverse={s.inverse}>
						{s.text}
					</Text>
				))}
			</Text>
		</Box>
	);
}
