/**
 * Text from input files made safe to show: control characters (C0 except tab and line feed,
 * DEL, C1) removed, so a raw ESC sequence in a scenario never reaches a terminal and a name never
 * carries bytes a renderer cannot draw.
 */

// C0 controls except \t (09) and \n (0A), then DEL and the C1 block (0x7F–0x9F).
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F]/g;

/** `text` without control characters; tab and line feed kept when `keepLineBreaks` (for prose). */
export function stripControl(text: string, keepLineBreaks = false): string {
  return text.replace(keepLineBreaks ? CONTROL : CONTROL_OR_BREAK, '');
}
