// Colour assertions need chalk to emit colours although the test stdout is not a terminal.
// Import this first in a test file: chalk reads FORCE_COLOR when Ink first loads it.
process.env.FORCE_COLOR = '1';
