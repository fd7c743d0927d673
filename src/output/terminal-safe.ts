/**
 * Text from outside (a plugin's messages, bodies and logs; a manifest's keys and values
 * quoted in findings) made safe to print on a terminal or in a CI log. Shared by every
 * human reporter: `test`, `dev` and `validate`.
 */

/**
 * Plugin-supplied text (messages, bodies, logs) shown on a terminal: control characters
 * other than newline and tab are made visible, so a plugin cannot move the cursor or
 * recolour the terminal. A line that starts (after blanks) with `::` gets its first `:`
 * as `\x3a`: a GitHub runner reads such a line in the log as a workflow command
 * (`::add-mask::`, `::error::`), and plugin output must not issue one.
 */
export function terminalSafe(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F\u009B]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .replace(/^([ \t]*):(?=:)/gm, '$1\\x3a')
  );
}

/**
 * terminalSafe, on one line: line breaks in a plugin's message or body are shown as `\n`,
 * so one summary or excerpt never splits into lines that read like others.
 */
export function oneLineSafe(text: string): string {
  return terminalSafe(text.replace(/\r\n|\r|\n/g, '\\n'));
}
